import { Table } from '@trussworks/react-uswds';
import { formatDate, personName, recordAnchor, sourceRef } from '../format';
import type { Person } from '../types';

const DOCUMENT_KINDS = { passport: 'Passport', a_number: 'A-number' } as const;

/** Who the person is, according to each source: names, dates of birth, citizenship, documents. */
export function IdentitySection({ person }: { person: Person }) {
  return (
    <section aria-labelledby="identity-heading" className="margin-top-5" data-testid="identity">
      <h2 id="identity-heading">Identity</h2>
      <div className="grid-row grid-gap-4">
        <div className="tablet:grid-col-6">
          <h3>Names</h3>
          <ul className="usa-list" data-testid="names">
            {person.names.map((name, i) => (
              <li key={`${name.source}-${i}`}>
                {personName(name)} <span className="text-base-dark">(source: {name.source})</span>
              </li>
            ))}
          </ul>
        </div>
        <div className="tablet:grid-col-3">
          <h3>Dates of birth</h3>
          {person.datesOfBirth.length ? (
            <ul className="usa-list" data-testid="dates-of-birth">
              {person.datesOfBirth.map((d) => (
                <li key={d}>
                  <time dateTime={d}>{formatDate(d)}</time>
                </li>
              ))}
            </ul>
          ) : (
            <p>None recorded</p>
          )}
        </div>
        <div className="tablet:grid-col-3">
          <h3>Citizenship</h3>
          {person.countriesOfCitizenship.length ? (
            <ul className="usa-list">
              {person.countriesOfCitizenship.map((c) => (
                <li key={c}>{c}</li>
              ))}
            </ul>
          ) : (
            <p>None recorded</p>
          )}
        </div>
      </div>
      <h3>Documents</h3>
      {person.documents.length ? (
        <Table caption="Identity documents" bordered scrollable>
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Number</th>
              <th scope="col">Issuing country</th>
              <th scope="col">Source record</th>
            </tr>
          </thead>
          <tbody>
            {person.documents.map((doc) => (
              <tr key={`${doc.kind}-${doc.number}-${sourceRef(doc.source)}`} data-testid="document-row">
                <td>{DOCUMENT_KINDS[doc.kind]}</td>
                <td>
                  <code>{doc.number}</code>
                </td>
                <td>{doc.issuingCountry ?? '—'}</td>
                <td>
                  <a className="usa-link" href={`#${recordAnchor(doc.source)}`}>
                    <code>{sourceRef(doc.source)}</code>
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      ) : (
        <p>No documents recorded.</p>
      )}
    </section>
  );
}
