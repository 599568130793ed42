/**
 * The assistant panel, loaded on demand: the AI SDK's chat client is only fetched when a page
 * shows the panel, so the first page's script stays small (docs/web.md, "Size").
 */
import { lazy, Suspense } from 'react';
import { ErrorNotice, Loading } from '../../components/Status.tsx';
import type { AssistantPanelProps } from './AssistantPanel.tsx';

const Panel = lazy(() =>
  import('./AssistantPanel.tsx').catch((error: unknown) => ({
    // A chunk that cannot be fetched (offline, or a new deploy replaced it) is an error here, not a blank app.
    default: () => <ErrorNotice error={error} title="The assistant could not be loaded" retry={() => location.reload()} />,
  })),
);

export function AssistantPanel(props: AssistantPanelProps) {
  return (
    <Suspense fallback={<Loading what="Loading the assistant" />}>
      <Panel {...props} />
    </Suspense>
  );
}
