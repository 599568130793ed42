import { Link } from 'react-router';
import { PageTitle } from '../app/Layout.tsx';

export function NotFoundPage() {
  return (
    <section>
      <PageTitle>Page not found</PageTitle>
      <p>There is no page here. <Link to="/trips">Go to your trips</Link>.</p>
    </section>
  );
}
