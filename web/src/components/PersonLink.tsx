import { AppLink } from './AppLink';

/** A link to a person's page ("person 5"); that page asks for a purpose before showing anything. */
export function PersonLink({ id }: { id: string }) {
  return (
    <AppLink href={`/people/${encodeURIComponent(id)}`} data-testid="person-link">
      person {id}
    </AppLink>
  );
}
