import { TRIP_STATUSES, TRIP_TYPES } from '../../api/types.ts';
import type { Field } from '../../components/ResourceForm.tsx';

export const tripFields: Field[] = [
  { name: 'name', label: 'Name', kind: 'text', required: true, placeholder: 'Lisbon in spring' },
  { name: 'destination', label: 'Destination', kind: 'text', required: true, placeholder: 'Lisbon, Portugal' },
  { name: 'start_date', label: 'Start date', kind: 'date', required: true },
  { name: 'end_date', label: 'End date', kind: 'date', required: true },
  { name: 'budget', label: 'Budget', kind: 'money', required: true, placeholder: '2500.00', help: 'In the trip’s currency: costs in other currencies are converted into it.' },
  { name: 'currency', label: 'Currency', kind: 'text', required: true, options: [] },
  { name: 'travelers', label: 'Travellers', kind: 'int', required: true, min: 1 },
  { name: 'status', label: 'Status', kind: 'text', required: true, options: TRIP_STATUSES },
  { name: 'trip_type', label: 'Kind of trip', kind: 'text', required: true, options: TRIP_TYPES },
  { name: 'description', label: 'Description', kind: 'text', multiline: true },
];

export const tripDefaults = { travelers: '1', status: 'planning', trip_type: 'leisure', currency: 'USD' };
