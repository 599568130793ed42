import { hashingVector } from './src/memory/embedders.ts';
const texts = Array.from({ length: 500 }, (_, i) => `Trip note ${i}: the hotel near the old town in Lisbon had a great breakfast, ask for a room facing the river; tram 28 starts nearby at 7:30.`);
for (let k = 0; k < 3; k++) {
  let t0 = performance.now();
  const v = texts.map((t) => hashingVector(t));
  const embed = performance.now() - t0;
  t0 = performance.now();
  const s = JSON.stringify(v);
  const str = performance.now() - t0;
  t0 = performance.now();
  const c = structuredClone(v);
  const clone = performance.now() - t0;
  const f = v.map((x) => Float32Array.from(x));
  t0 = performance.now();
  const s2 = '[' + f.map((x) => '[' + Array.prototype.join.call(x, ',') + ']').join(',') + ']';
  const f32 = performance.now() - t0;
  t0 = performance.now();
  const lits = v.map((x) => JSON.stringify(x));
  const joined = ('[' + lits.join(',') + ']');
  const c2 = structuredClone(lits);
  const litsClone = performance.now() - t0;
  console.log({ embed: embed.toFixed(1), stringify: str.toFixed(1), clone: clone.toFixed(1), f32join: f32.toFixed(1), litsJoinClone: litsClone.toFixed(1), mb: (s.length / 1e6).toFixed(1) });
}
