import { AssistantPanel } from '../../features/assistant/index.tsx';
import { useTripId } from './TripPage.tsx';

export function AssistantTab() {
  return <AssistantPanel tripId={useTripId()} title="Plan with the assistant" />;
}
