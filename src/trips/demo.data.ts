/**
 * The demo's raw material: where the demo travellers live, where they go, what they ask the
 * assistant, what the AI memory knows about them and what they search for. Data only; the
 * generation is in demo.generate.ts, the writes in demo.ts.
 */

/** Where the travellers live; a trip's budget is in the home currency. */
export const HOMES = [
  { city: 'Berlin', airport: 'BER', currency: 'EUR' },
  { city: 'London', airport: 'LHR', currency: 'GBP' },
  { city: 'New York', airport: 'JFK', currency: 'USD' },
  { city: 'Toronto', airport: 'YYZ', currency: 'CAD' },
] as const;

/** Flights are priced in euros (as the price series); these rates convert them. Demo values. */
export const EUR_RATES = { GBP: '0.8500', USD: '1.0800', CAD: '1.4700' } as const;
export type Home = (typeof HOMES)[number];

export const DESTINATIONS = [
  { city: 'Lisbon', country: 'Portugal', airport: 'LIS', airline: 'TAP Air Portugal', hotels: ['Memmo Alfama', 'Casa do Príncipe', 'Lisboa Pessoa Hotel'], areas: ['Alfama', 'Baixa', 'Príncipe Real'],
    activities: ['Tram 28 ride', 'Belém Tower', 'Jerónimos Monastery', 'Fado dinner', 'LX Factory', 'Sintra day trip', 'Time Out Market lunch', 'Miradouro sunset'] },
  { city: 'Kyoto', country: 'Japan', airport: 'KIX', airline: 'Japan Airlines', hotels: ['Ryokan Yachiyo', 'Hotel The Celestine', 'Nazuna Kyoto'], areas: ['Gion', 'Higashiyama', 'Arashiyama'],
    activities: ['Fushimi Inari hike', 'Kinkaku-ji', 'Tea ceremony', 'Nishiki Market', 'Arashiyama bamboo grove', 'Kiyomizu-dera', 'Gion evening walk', 'Philosopher\'s Path'] },
  { city: 'Mexico City', country: 'Mexico', airport: 'MEX', airline: 'Aeroméxico', hotels: ['Casa Polanco', 'Hotel Carlota', 'Condesa DF'], areas: ['Roma Norte', 'Condesa', 'Centro'],
    activities: ['Frida Kahlo Museum', 'Teotihuacan pyramids', 'Taco tour', 'Xochimilco boats', 'Museo Nacional de Antropología', 'Lucha libre night', 'Chapultepec Castle', 'Mezcal tasting'] },
  { city: 'Reykjavík', country: 'Iceland', airport: 'KEF', airline: 'Icelandair', hotels: ['Hotel Borg', 'Kex Hostel', 'Canopy Reykjavík'], areas: ['Miðborg', 'Laugardalur', 'Vesturbær'],
    activities: ['Golden Circle tour', 'Blue Lagoon', 'Northern lights hunt', 'Hallgrímskirkja', 'Whale watching', 'Sky Lagoon', 'Harpa concert', 'Glacier walk'] },
  { city: 'Cape Town', country: 'South Africa', airport: 'CPT', airline: 'South African Airways', hotels: ['The Silo Hotel', 'Cape Heritage Hotel', 'POD Camps Bay'], areas: ['V&A Waterfront', 'Bo-Kaap', 'Camps Bay'],
    activities: ['Table Mountain cable car', 'Cape Point drive', 'Boulders Beach penguins', 'Robben Island', 'Stellenbosch wine tasting', 'Kirstenbosch garden', 'Bo-Kaap walking tour', 'Lion\'s Head sunrise'] },
] as const;
export type Destination = (typeof DESTINATIONS)[number];

export const TRIP_WORDS = ['getaway', 'adventure', 'escape', 'discovery'] as const;

export const CHAT_SCRIPTS: ReadonlyArray<readonly [string, string]> = [
  ['What is the best time of year to visit {city}?', 'Spring and early autumn are lovely in {city}: mild weather and fewer crowds than summer.'],
  ['Can you suggest a 3-day itinerary for {city}?', 'Day 1: the historic centre. Day 2: {activity}. Day 3: a relaxed morning in {area}, then a farewell dinner.'],
  ['How much should I budget per day in {city}?', 'Plan roughly for lodging, meals, local transport and one paid activity a day; I added these to your trip so the summary shows your headroom.'],
];

/** What the AI memory knows about each traveller ({home}: their city). */
export const MEMORY_FACTS = [
  { content_type: 'preference', content_text: 'Prefers boutique hotels close to the old town; flies from {home}.' },
  { content_type: 'preference', content_text: 'Likes food tours and museums; avoids very early flights.' },
  { content_type: 'trip_summary', content_text: 'Enjoyed the last trip most for its walking tours and the local markets.' },
] as const;
