import { AppLink } from '../components/AppLink';
import { usePageTitle } from '../hooks';

export function NotFoundPage() {
  usePageTitle('Page not found');
  return (
    <>
      <h1>Page not found</h1>
      <p>
        There is no page at this address. <AppLink href="/">Go to search</AppLink>
      </p>
    </>
  );
}
