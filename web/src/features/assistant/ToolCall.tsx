/**
 * One tool call of the assistant, as it happens: its name, a summary of its arguments, where it
 * stands (running, done, failed with the API's message and hint, declined), its result on demand,
 * and for a destructive tool the approval prompt.
 */
import { useEffect, useId, useRef } from 'react';
import { summarize, toolErrorOf, toolNameOf, toolStatus, type ToolPart } from '../../lib/chat.ts';

export function ToolCall({ part, live, onAnswer }: { part: ToolPart; live: boolean; onAnswer: (approvalId: string, approved: boolean) => void }) {
  const name = toolNameOf(part);
  const status = toolStatus(part, live);
  const args = summarize(part.input);
  return (
    <div className={`tool tool-${status.replace(' ', '-')}`} data-testid="tool-call" data-tool={name}>
      <p className="tool-head">
        <span className="sr-only">Tool call: </span>
        <code className="tool-name">{name}</code>
        <span className="badge tool-status">{status}</span>
      </p>
      {args && <p className="tool-args small"><code>{args}</code></p>}
      {part.state === 'output-available' && <ToolResult output={part.output} />}
      {part.state === 'output-error' && <ToolFailure errorText={part.errorText} />}
      {part.state === 'approval-requested' && (
        <ApprovalPrompt name={name} args={args} focus={live} onAnswer={(approved) => onAnswer(part.approval.id, approved)} />
      )}
    </div>
  );
}

function ToolResult({ output }: { output: unknown }) {
  return (
    <details className="tool-result">
      <summary>Result <span className="muted small">{summarize(output, 80)}</span></summary>
      {/* Focusable: a long result scrolls, and a scrolling region must be reachable by keyboard. */}
      <pre tabIndex={0}>{JSON.stringify(output, null, 2)}</pre>
    </details>
  );
}

function ToolFailure({ errorText }: { errorText: string }) {
  const e = toolErrorOf(errorText);
  return (
    <div className="tool-error">
      <p><strong>{e.code}</strong>: {e.message}</p>
      {e.hint && <p className="small">Hint: {e.hint}</p>}
    </div>
  );
}

/**
 * Asks before a destructive tool runs. Focus moves to the question when it appears during a turn
 * (not when an old paused turn is reopened), so a keyboard user answers with Tab and Enter.
 */
function ApprovalPrompt({ name, args, focus, onAnswer }: { name: string; args: string; focus: boolean; onAnswer: (approved: boolean) => void }) {
  const id = useId();
  const box = useRef<HTMLDivElement>(null);
  const focusOnMount = useRef(focus);
  useEffect(() => {
    if (focusOnMount.current) box.current?.focus();
  }, []);
  return (
    <div className="approval" role="group" aria-labelledby={`${id}-q`} tabIndex={-1} ref={box}>
      <p id={`${id}-q`}>
        The assistant wants to run <code>{name}</code>{args ? <> (<code>{args}</code>)</> : null}. This deletes data. Allow it?
      </p>
      <div className="actions">
        <button type="button" className="danger" onClick={() => onAnswer(true)}>Approve</button>
        <button type="button" className="secondary" onClick={() => onAnswer(false)}>Decline</button>
      </div>
    </div>
  );
}
