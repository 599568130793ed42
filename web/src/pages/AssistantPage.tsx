import { PageTitle } from '../app/Layout.tsx';
import { AssistantPanel } from '../features/assistant/index.tsx';

export function AssistantPage() {
  return (
    <section>
      <PageTitle>Assistant</PageTitle>
      <AssistantPanel title="Ask about any of your trips" />
    </section>
  );
}
