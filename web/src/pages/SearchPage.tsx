import { Alert, Button, Form, Label, Table, TextInput } from '@trussworks/react-uswds';
import { useEffect, useRef, useState, type SubmitEvent } from 'react';
import { api } from '../api';
import { AppLink } from '../components/AppLink';
import { ErrorAlert, Loading } from '../components/ErrorAlert';
import { PurposeForm } from '../components/PurposeForm';
import { formatCount, formatDate } from '../format';
import { useApi, usePageTitle } from '../hooks';
import { savePurpose } from '../purpose';
import { navigate, useLocation } from '../router';
import { can, Permission, ROLE_LABELS, useSession } from '../session';
import type { PersonSummary, Purpose } from '../types';

const LIMIT = 25;

/** Search people by name or document number; choosing one asks for a purpose before anything loads. */
export function SearchPage() {
  usePageTitle('Search people');
  const { session } = useSession();
  if (!can(session, Permission.PersonSearch)) {
    const role = session.account.role;
    return (
      <>
        <h1>Search people</h1>
        <Alert type="info" headingLevel="h2" heading="Aggregate views only" data-testid="no-search">
          {role === 'analyst'
            ? 'Your role (Analyst) has aggregate views only: searching for and viewing individual people is not available to you.'
            : `Your role (${ROLE_LABELS[role]}) does not include searching for or viewing individual people.`}
          {can(session, Permission.ReportView) ? (
            <>
              {' '}
              <AppLink href="/reports/overstays" data-testid="no-search-report-link">
                Open the overstay report
              </AppLink>
            </>
          ) : null}
        </Alert>
      </>
    );
  }
  return <PeopleSearch />;
}

function PeopleSearch() {
  const { query } = useLocation();
  const q = query.get('q')?.trim() ?? '';
  const [text, setText] = useState(q);
  const [selected, setSelected] = useState<PersonSummary | null>(null);
  const purposeHeading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    setText(q);
    setSelected(null);
    if (q) window.sessionStorage.setItem('passage.lastSearch', q);
  }, [q]);

  useEffect(() => {
    if (selected) purposeHeading.current?.focus();
  }, [selected]);

  const results = useApi(q ? (signal) => api.searchPeople(q, signal, LIMIT) : null, [q]);

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const next = text.trim();
    if (next) navigate(`/?${new URLSearchParams({ q: next }).toString()}`);
  };

  const view = (person: PersonSummary, purpose: Purpose) => {
    savePurpose(person.id, purpose);
    navigate(`/people/${encodeURIComponent(person.id)}`);
  };

  return (
    <>
      <h1>Search people</h1>
      <Form
        onSubmit={submit}
        role="search"
        aria-label="People"
        className="maxw-full"
        data-testid="search-form"
      >
        <Label htmlFor="search-q">Name, passport or A-number</Label>
        <span className="usa-hint" id="search-q-hint">
          Name words (for example “maria gar”), a passport number or an A-number
        </span>
        <div className="passage-search-row">
          <TextInput
            id="search-q"
            name="q"
            type="search"
            value={text}
            required
            maxLength={200}
            autoComplete="off"
            aria-describedby="search-q-hint"
            onChange={(e) => {
              setText(e.target.value);
            }}
            data-testid="search-input"
          />
          <Button type="submit" data-testid="search-submit">
            Search
          </Button>
        </div>
      </Form>

      {selected ? (
        <section
          aria-labelledby="purpose-heading"
          className="passage-panel margin-top-4"
          data-testid="purpose-step"
        >
          <h2 id="purpose-heading" ref={purposeHeading} tabIndex={-1}>
            Declare a purpose
          </h2>
          <PurposeForm
            personName={selected.displayName}
            onSubmit={(purpose) => {
              view(selected, purpose);
            }}
            onCancel={() => {
              const id = selected.id;
              setSelected(null);
              document.getElementById(`select-${id}`)?.focus();
            }}
          />
        </section>
      ) : null}

      {results.loading ? <Loading what="results" /> : null}
      {results.error ? <ErrorAlert error={results.error} /> : null}
      {results.data ? (
        <Results q={q} results={results.data.results} total={results.data.total} onSelect={setSelected} />
      ) : null}
    </>
  );
}

interface ResultsProps {
  q: string;
  results: PersonSummary[];
  total: number;
  onSelect: (person: PersonSummary) => void;
}

function Results({ q, results, total, onSelect }: ResultsProps) {
  if (results.length === 0) {
    return (
      <p className="margin-top-4" role="status" data-testid="no-results">
        No one matches “{q}”. Try fewer name words, or the full document number.
      </p>
    );
  }
  const shown = results.length < total ? `showing the first ${formatCount(results.length)}` : 'all shown';
  return (
    <section aria-labelledby="results-heading" className="margin-top-4">
      <h2 id="results-heading">Results</h2>
      <p role="status" data-testid="results-count">
        {formatCount(total)} {total === 1 ? 'person matches' : 'people match'} “{q}” ({shown}). Choose a
        person to declare a purpose and view their record.
      </p>
      <Table caption={`People matching “${q}”`} bordered fullWidth>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Date of birth</th>
            <th scope="col">Country of citizenship</th>
            <th scope="col">Records</th>
          </tr>
        </thead>
        <tbody>
          {results.map((person) => (
            <tr key={person.id} data-testid="search-result-row" data-person-id={person.id}>
              <th scope="row">
                <Button
                  type="button"
                  unstyled
                  id={`select-${person.id}`}
                  onClick={() => {
                    onSelect(person);
                  }}
                  data-testid="select-person"
                >
                  {person.displayName}
                </Button>
              </th>
              <td>
                {person.dateOfBirth ? (
                  <time dateTime={person.dateOfBirth}>{formatDate(person.dateOfBirth)}</time>
                ) : (
                  '—'
                )}
              </td>
              <td>{person.countryOfCitizenship ?? '—'}</td>
              <td className="text-tabular">{formatCount(person.recordCount)}</td>
            </tr>
          ))}
        </tbody>
      </Table>
    </section>
  );
}
