/**
 * The tool registry: every tool, by the exact name outside clients (MCP, saved chats) depend on.
 */
import { addAccommodation, addFlight, addItineraryItem, addNote, addTransportation, deleteItineraryItem, saveOption, updateItineraryItem } from './plan.tools.ts';
import { priceInsights, remember, searchInsightsTool, searchMemoriesTool } from './knowledge.tools.ts';
import type { ToolDef } from './registry.ts';
import { compareTrips, createTrip, getTrip, listTrips, updateTrip } from './trip.tools.ts';

export const TOOLS: readonly ToolDef[] = [
  listTrips, getTrip, createTrip, updateTrip,
  addItineraryItem, updateItineraryItem, deleteItineraryItem,
  addFlight, addAccommodation, addTransportation, addNote, saveOption,
  compareTrips, searchMemoriesTool, remember, priceInsights, searchInsightsTool,
];

const BY_NAME = new Map(TOOLS.map((t) => [t.name, t]));

export function toolNamed(name: string): ToolDef | undefined {
  return BY_NAME.get(name);
}

export { runTool, inputJsonSchema, type ToolContext, type ToolDef } from './registry.ts';
export { ToolFailure } from './tool-errors.ts';
