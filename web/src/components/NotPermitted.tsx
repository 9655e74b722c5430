import { Alert } from '@trussworks/react-uswds';
import { usePageTitle } from '../hooks';
import { ROLE_LABELS, useSession } from '../session';

/** A page the signed-in role may not use: say so plainly instead of showing an empty page. */
export function NotPermitted({ title, what }: { title: string; what: string }) {
  usePageTitle(title);
  const { session } = useSession();
  return (
    <>
      <h1>{title}</h1>
      <Alert type="info" headingLevel="h2" heading="Not available to your role" data-testid="not-permitted">
        Your role ({ROLE_LABELS[session.account.role]}) does not include {what}.
      </Alert>
    </>
  );
}
