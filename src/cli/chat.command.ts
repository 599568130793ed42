/**
 * `tripsage chat --email X [--session ID]`: an interactive terminal chat with the assistant, as
 * that user (under RLS), through the same turn as POST /api/v1/chat/sessions/{id}/reply: the
 * answer streams as it is written, tool calls show as they happen, and a tool that needs
 * approval asks y/n. Ctrl-C during an answer stops it (the partial answer is kept); `exit` or
 * Ctrl-D ends the chat.
 */
import { createInterface } from 'node:readline';
import type { UIMessageChunk } from 'ai';
import type { Command } from 'commander';
import { modelSource } from '../assistant/provider.ts';
import { userToolContext } from '../assistant/tools/context.ts';
import type { PendingApproval } from '../assistant/turn-record.ts';
import { runTurn, type AssistantDeps, type TurnRequest } from '../assistant/turn.ts';
import { sessionsRepo } from '../chat/chat.repo.ts';
import { DomainError } from '../domain/errors.ts';
import { userIdByEmail } from '../accounts/accounts.ts';
import { createMemoryAccess } from '../memory/memory.access.ts';
import { configOf, withMigratedDatabase } from './context.ts';
import { printRaw as out } from './output.ts';
const brief = (v: unknown, max = 160) => {
  const s = JSON.stringify(v) ?? '';
  return s.length > max ? `${s.slice(0, max)}…` : s;
};
const errorMessage = (errorText: string) => {
  try {
    return (JSON.parse(errorText) as { error: { message: string } }).error.message;
  } catch {
    return errorText;
  }
};

/** Prints a turn's UI message stream as it arrives. */
function renderer(): (chunk: UIMessageChunk) => void {
  const names = new Map<string, string>();
  let midLine = false;
  const line = (s: string) => {
    out(`${midLine ? '\n' : ''}${s}\n`);
    midLine = false;
  };
  return (c) => {
    switch (c.type) {
      case 'text-delta':
        out(c.delta);
        midLine = !c.delta.endsWith('\n');
        break;
      case 'tool-input-available':
        names.set(c.toolCallId, c.toolName);
        line(`  → ${c.toolName} ${brief(c.input)}`);
        break;
      case 'tool-input-error':
        names.set(c.toolCallId, c.toolName);
        line(`  → ${c.toolName} ${brief(c.input)}`);
        break;
      case 'tool-output-available':
        line(`  ✓ ${names.get(c.toolCallId) ?? 'tool'}`);
        break;
      case 'tool-output-error':
        line(`  ✗ ${names.get(c.toolCallId) ?? 'tool'}: ${errorMessage(c.errorText)}`);
        break;
      case 'tool-output-denied':
        line(`  ✗ ${names.get(c.toolCallId) ?? 'tool'}: declined`);
        break;
      case 'error':
        line(`  ! ${c.errorText}`);
        break;
      case 'finish':
        if (midLine) line('');
        break;
    }
  };
}

async function chatLoop(run: (request: TurnRequest, signal: AbortSignal) => Promise<PendingApproval[]>): Promise<void> {
  const rl = createInterface({ input: process.stdin, terminal: process.stdin.isTTY });
  const lines = rl[Symbol.asyncIterator]();
  const ask = async (prompt: string) => {
    out(prompt);
    const next = await lines.next();
    return next.done ? null : next.value.trim();
  };
  let turn: AbortController | undefined;
  rl.on('SIGINT', () => (turn ? turn.abort() : rl.close()));
  try {
    for (let input = await ask('you> '); input !== null && input !== 'exit' && input !== 'quit'; input = await ask('you> ')) {
      if (!input) continue;
      let request: TurnRequest | null = { content: input };
      while (request) {
        turn = new AbortController();
        const pending = await run(request, turn.signal);
        turn = undefined;
        request = null;
        if (!pending.length) break;
        const approvals = [];
        for (const p of pending) {
          const answer = await ask(`Allow ${p.tool_name} ${brief(p.input)}? [y/N] `);
          approvals.push({ approval_id: p.approval_id, approved: /^y(es)?$/i.test(answer ?? '') });
        }
        request = { approvals };
      }
    }
  } finally {
    rl.close();
  }
}

export function registerChatCommand(program: Command): void {
  program
    .command('chat')
    .description('chat with the trip assistant in the terminal, as a user (needs a language model: see docs/assistant.md)')
    .requiredOption('--email <email>', 'whose assistant')
    .option('--session <id>', 'continue this chat session (default: a new one)')
    .action(async (opts: { email: string; session?: string }, cmd: Command) => {
      const config = configOf(cmd);
      await withMigratedDatabase(config, async (db) => {
        const userId = await userIdByEmail(db, opts.email);
        const memory = createMemoryAccess({ config, db });
        const ctx = userToolContext(db, userId, memory);
        const deps: AssistantDeps = { config, memory, models: modelSource({ config, db }) };
        const sessionId = opts.session ?? String((await ctx.tx((trx) => sessionsRepo.insert(trx, { user_id: userId }), { readOnly: false })).id);
        out(`chat session ${sessionId} (${opts.email}); 'exit' or Ctrl-D ends, Ctrl-C stops an answer\n`);
        const write = renderer();
        await chatLoop(async (request, signal) => {
          try {
            const r = await runTurn(deps, ctx, sessionId, request, { write, signal });
            if (r.status === 'interrupted') out('\n(stopped)\n');
            return r.pending_approvals;
          } catch (e) {
            // No model or no such session ends the chat through errors.ts (one line, exit 1);
            // anything else (a rate limit, a provider failure) is said and the chat goes on.
            if (!(e instanceof DomainError) || e.kind === 'unavailable' || e.kind === 'not_found') throw e;
            out(`  ! ${e.message}${e.hint ? ` (${e.hint})` : ''}\n`);
            return [];
          }
        });
      });
    });
}
