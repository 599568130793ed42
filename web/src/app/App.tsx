/**
 * The app's routes. Pages that need a user sit under <RequireUser> (all but sign-in, sign-up and
 * a share link's page); each trip section is a child route of the trip page. New feature panels (travelling together, …) add a route here
 * and, for a trip section, an entry in TRIP_TABS.
 */
import type { ReactNode } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { AssistantPage } from '../pages/AssistantPage.tsx';
import { AuthPage } from '../pages/AuthPage.tsx';
import { ComparisonsPage } from '../pages/ComparisonsPage.tsx';
import { InsightsPage } from '../pages/InsightsPage.tsx';
import { KeysPage } from '../pages/KeysPage.tsx';
import { MemoriesPage } from '../pages/MemoriesPage.tsx';
import { NotFoundPage } from '../pages/NotFoundPage.tsx';
import { PricesPage } from '../pages/PricesPage.tsx';
import { ProfilePage } from '../pages/ProfilePage.tsx';
import { SharedPage } from '../pages/SharedPage.tsx';
import { AssistantTab } from '../pages/trip/AssistantTab.tsx';
import { BookingsTab } from '../pages/trip/BookingsTab.tsx';
import { DaysTab } from '../pages/trip/DaysTab.tsx';
import { NotesTab } from '../pages/trip/NotesTab.tsx';
import { OptionsTab } from '../pages/trip/OptionsTab.tsx';
import { OverviewTab } from '../pages/trip/OverviewTab.tsx';
import { PeopleTab } from '../pages/trip/PeopleTab.tsx';
import { ShareTab } from '../pages/trip/ShareTab.tsx';
import { TimelineTab } from '../pages/trip/TimelineTab.tsx';
import { TripPage } from '../pages/trip/TripPage.tsx';
import { EditTripPage, NewTripPage } from '../pages/trips/TripFormPage.tsx';
import { TripsPage } from '../pages/trips/TripsPage.tsx';
import { Layout } from './Layout.tsx';
import { RequireUser } from './session.tsx';

export function App() {
  const user = (page: ReactNode) => <RequireUser>{page}</RequireUser>;
  return (
    <Layout>
      <Routes>
        <Route path="/" element={<Navigate to="/trips" replace />} />
        <Route path="/sign-in" element={<AuthPage mode="sign-in" />} />
        <Route path="/sign-up" element={<AuthPage mode="sign-up" />} />
        {/* Public: a share link's read-only page needs no account. */}
        <Route path="/shared/:token" element={<SharedPage />} />
        <Route path="/trips" element={user(<TripsPage />)} />
        <Route path="/trips/new" element={user(<NewTripPage />)} />
        <Route path="/trips/:tripId/edit" element={user(<EditTripPage />)} />
        <Route path="/trips/:tripId" element={user(<TripPage />)}>
          <Route index element={<OverviewTab />} />
          <Route path="days" element={<DaysTab />} />
          <Route path="timeline" element={<TimelineTab />} />
          <Route path="bookings" element={<BookingsTab />} />
          <Route path="notes" element={<NotesTab />} />
          <Route path="options" element={<OptionsTab />} />
          <Route path="people" element={<PeopleTab />} />
          <Route path="share" element={<ShareTab />} />
          <Route path="assistant" element={<AssistantTab />} />
        </Route>
        <Route path="/comparisons" element={user(<ComparisonsPage />)} />
        <Route path="/assistant" element={user(<AssistantPage />)} />
        <Route path="/memories" element={user(<MemoriesPage />)} />
        <Route path="/keys" element={user(<KeysPage />)} />
        <Route path="/prices" element={user(<PricesPage />)} />
        <Route path="/insights" element={user(<InsightsPage />)} />
        <Route path="/profile" element={user(<ProfilePage />)} />
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
    </Layout>
  );
}
