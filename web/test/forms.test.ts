import { describe, expect, it } from 'vitest';
import { filenameOf } from '../src/lib/download.ts';
import { bodyOf, type FieldSpec } from '../src/lib/forms.ts';
import { safeNext } from '../src/lib/navigation.ts';
import { describeOption, optionDataOf } from '../src/lib/options.ts';
import { mergePreferences, preferenceValues } from '../src/lib/preferences.ts';
import { copyName } from '../src/pages/trips/duplicate.ts';

const specs: FieldSpec[] = [
  { name: 'title', kind: 'text', required: true },
  { name: 'cost', kind: 'money' },
  { name: 'travelers', kind: 'int', required: true },
  { name: 'at', kind: 'instant', required: true },
  { name: 'done', kind: 'bool' },
];

describe('form bodies', () => {
  it('keeps money as the typed string, sends integers as numbers and instants with an offset', () => {
    const body = bodyOf(specs, { title: ' Castle ', cost: ' 15.10 ', travelers: '2', at: '2026-05-01T09:30', done: true }, 'create', (v) => `${v}:00Z`);
    expect(body).toEqual({ title: 'Castle', cost: '15.10', travelers: 2, at: '2026-05-01T09:30:00Z', done: true });
  });

  it('omits empty optional fields on create and clears them on edit', () => {
    const values = { title: 'x', cost: '', travelers: '1', at: 'y', done: false };
    expect(bodyOf(specs, values, 'create', String)).not.toHaveProperty('cost');
    expect(bodyOf(specs, values, 'edit', String)).toMatchObject({ cost: null });
  });

  it('sends empty required fields so the API can name them', () => {
    const body = bodyOf(specs, { title: '', cost: '', travelers: '', at: '', done: false }, 'create', String);
    expect(body).toMatchObject({ title: '', travelers: null, at: '' });
  });
});

describe('small pieces of page logic', () => {
  it('download names come from Content-Disposition and are never paths', () => {
    expect(filenameOf('attachment; filename="trip-12.ics"', 'x')).toBe('trip-12.ics');
    expect(filenameOf('attachment; filename="../../etc/passwd"', 'x')).toBe('passwd');
    expect(filenameOf(null, 'trip-1.json')).toBe('trip-1.json');
    expect(filenameOf("attachment; filename*=UTF-8''%E0%A4%A", 'f.ics')).toBe('f.ics');
  });

  it('after sign-in, only this app\'s paths', () => {
    expect(safeNext('/trips/3/days')).toBe('/trips/3/days');
    expect(safeNext('//evil.example')).toBe('/trips');
    expect(safeNext('/\\evil.example')).toBe('/trips');
    expect(safeNext('https://evil.example')).toBe('/trips');
    expect(safeNext(null)).toBe('/trips');
  });

  it('saved options keep JSON as JSON and anything else as text', () => {
    expect(optionDataOf('{"name":"Sol","price":"540.00"}')).toEqual({ name: 'Sol', price: '540.00' });
    expect(optionDataOf('Hotel Sol, 540')).toBe('Hotel Sol, 540');
    expect(describeOption({ name: 'Sol', price: '540.00' })).toBe('name: Sol · price: 540.00');
  });

  it('preferences: known keys edited, unknown keys kept, emptied keys removed', () => {
    const stored = { home_airport: 'LIS', seat: 'window' };
    expect(preferenceValues(stored).home_airport).toBe('LIS');
    const next = mergePreferences(stored, { ...preferenceValues(stored), home_airport: '', currency: 'EUR' });
    expect(next).toEqual({ seat: 'window', currency: 'EUR' });
  });

  it('a duplicate is named as a copy, within the name limit', () => {
    expect(copyName('Lisbon')).toBe('Lisbon (copy)');
    expect(copyName('x'.repeat(495))).toBe('x'.repeat(495));
  });
});
