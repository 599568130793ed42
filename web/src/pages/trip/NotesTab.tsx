/**
 * The trip's notes (read-only for a viewer).
 */
import type { Note } from '../../api/types.ts';
import { ResourceSection } from '../../components/ResourceSection.tsx';
import { instant } from '../../lib/datetime.ts';
import { useCan, useTripId } from './TripPage.tsx';

const noteFields = [
  { name: 'title', label: 'Title', kind: 'text', required: true },
  { name: 'content', label: 'Note', kind: 'text', required: true, multiline: true },
] as const;

export function NotesTab() {
  return (
    <ResourceSection<Note>
      tripId={useTripId()} path="notes" noun="note" title="Notes" fields={[...noteFields]} emptyText="No notes yet."
      readOnly={!useCan('edit')}
      render={(n) => (
        <>
          <strong>{n.title}</strong>
          <p className="prewrap">{n.content}</p>
          <small className="muted">Updated {instant(n.updated_at)}</small>
        </>
      )}
    />
  );
}
