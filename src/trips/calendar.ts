/**
 * A trip as an iCalendar file (RFC 5545), built with ical-generator:
 *
 * - flights and transport: timed events in UTC (DTSTART:…Z), their stored instants;
 * - stays: all-day spans, DTSTART;VALUE=DATE = check-in, DTEND;VALUE=DATE = check-out (DTEND is
 *   exclusive in iCalendar, so the span covers the nights stayed; a same-day stay lasts one day);
 * - itinerary items: floating local times (no TZID, no Z) on the item's computed date
 *   (start_date + day_number − 1), so a calendar app shows them at that wall-clock time wherever
 *   the traveller is, which is how the itinerary is written.
 *
 * UIDs are stable (kind, id, trip), so importing the file again updates events instead of
 * duplicating them.
 */
import type { FastifyReply } from 'fastify';
import ical, { ICalCalendarMethod } from 'ical-generator';
import type { TimelineRow } from './planning.repo.ts';

/** '2026-05-01T09:30:00.123456+00:00' → a Date (Date.parse wants at most milliseconds). */
function instant(iso: string): Date {
  return new Date(iso.replace(/(\.\d{3})\d+/, '$1'));
}

/** A calendar date (or date + local time) as a Date whose UTC fields are those values. */
function floating(date: string, time = '00:00:00'): Date {
  return new Date(`${date}T${time.slice(0, 8).padEnd(8, ':00')}Z`);
}

function nextDay(date: string): Date {
  const d = floating(date);
  d.setUTCDate(d.getUTCDate() + 1);
  return d;
}

export interface CalendarTrip {
  id: number;
  name: string;
  destination: string;
}

export function tripCalendar(trip: CalendarTrip, entries: TimelineRow[], host = 'tripsage'): string {
  const cal = ical({
    name: trip.name,
    description: `TripSage trip to ${trip.destination}`,
    prodId: { company: 'TripSage', product: 'trip-calendar', language: 'EN' },
    method: ICalCalendarMethod.PUBLISH,
  });
  for (const e of entries) {
    const uid = `${e.kind}-${e.id}.trip-${trip.id}@${host}`;
    const details = [e.description, e.price !== null ? `price: ${e.price}` : null, e.status ? `status: ${e.status}` : null]
      .filter(Boolean)
      .join('\n');
    if (e.kind === 'accommodation') {
      const start = floating(e.date!);
      const end = e.end_date && e.end_date > e.date! ? floating(e.end_date) : nextDay(e.date!);
      cal.createEvent({ id: uid, summary: `Stay: ${e.title}`, start, end, allDay: true, location: e.location, description: details || null });
    } else if (e.kind === 'itinerary_item') {
      cal.createEvent({
        id: uid,
        summary: e.title,
        start: floating(e.date!, e.start_time!),
        end: floating(e.date!, e.end_time!),
        floating: true,
        location: e.location,
        description: details || null,
      });
    } else {
      const where = [e.origin, e.destination].filter(Boolean).join(' → ');
      cal.createEvent({
        id: uid,
        summary: e.kind === 'flight' ? `Flight: ${e.title}` : e.title,
        start: instant(e.start_at),
        end: instant(e.end_at),
        location: where || null,
        description: details || null,
      });
    }
  }
  return cal.toString();
}

/** Sends a calendar as an .ics download. */
export function sendCalendar(reply: FastifyReply, filename: string, body: string) {
  return reply
    .type('text/calendar; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .serializer((p: unknown) => String(p))
    .send(body);
}
