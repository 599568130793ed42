import type { Field } from '../../components/ResourceForm.tsx';

// Every cost has its currency (the trip's by default, set by the form's defaults); the options
// are the API's list, filled in by useCurrencyFields.

export const itemFields: Field[] = [
  { name: 'title', label: 'Title', kind: 'text', required: true },
  { name: 'start_time', label: 'Starts', kind: 'time', required: true },
  { name: 'end_time', label: 'Ends', kind: 'time', required: true },
  { name: 'location', label: 'Location', kind: 'text' },
  { name: 'category', label: 'Category', kind: 'text', placeholder: 'sightseeing, food…' },
  { name: 'cost', label: 'Cost', kind: 'money', placeholder: '15.00' },
  { name: 'currency', label: 'Currency', kind: 'text', required: true, options: [] },
  { name: 'description', label: 'Description', kind: 'text', multiline: true },
];

export const flightFields: Field[] = [
  { name: 'origin', label: 'From', kind: 'text', required: true, placeholder: 'JFK' },
  { name: 'destination', label: 'To', kind: 'text', required: true, placeholder: 'LIS' },
  { name: 'airline', label: 'Airline', kind: 'text' },
  { name: 'departure_time', label: 'Departs', kind: 'instant', required: true },
  { name: 'arrival_time', label: 'Arrives', kind: 'instant', required: true },
  { name: 'price', label: 'Price', kind: 'money', required: true, placeholder: '612.30' },
  { name: 'currency', label: 'Currency', kind: 'text', required: true, options: [] },
  { name: 'booking_status', label: 'Booking status', kind: 'text', required: true, options: ['saved', 'booked', 'canceled'] },
];

export const stayFields: Field[] = [
  { name: 'name', label: 'Name', kind: 'text', required: true, placeholder: 'Casa Azul' },
  { name: 'type', label: 'Type', kind: 'text', required: true, options: ['hotel', 'apartment', 'hostel', 'guesthouse', 'resort', 'other'] },
  { name: 'location', label: 'Location', kind: 'text', required: true },
  { name: 'check_in_date', label: 'Check-in', kind: 'date', required: true },
  { name: 'check_out_date', label: 'Check-out', kind: 'date', required: true },
  { name: 'price_per_night', label: 'Price per night', kind: 'money', required: true },
  { name: 'total_price', label: 'Total price', kind: 'money', required: true },
  { name: 'currency', label: 'Currency', kind: 'text', required: true, options: [] },
  { name: 'rating', label: 'Rating (0–5)', kind: 'money' },
  { name: 'booking_status', label: 'Booking status', kind: 'text', required: true, options: ['saved', 'booked', 'canceled'] },
];

export const transportFields: Field[] = [
  { name: 'type', label: 'Type', kind: 'text', required: true, options: ['train', 'bus', 'car', 'taxi', 'ferry', 'metro', 'other'] },
  { name: 'origin', label: 'From', kind: 'text', required: true },
  { name: 'destination', label: 'To', kind: 'text', required: true },
  { name: 'departure_time', label: 'Departs', kind: 'instant', required: true },
  { name: 'arrival_time', label: 'Arrives', kind: 'instant', required: true },
  { name: 'price', label: 'Price', kind: 'money', required: true },
  { name: 'currency', label: 'Currency', kind: 'text', required: true, options: [] },
  { name: 'provider_name', label: 'Provider', kind: 'text' },
];
