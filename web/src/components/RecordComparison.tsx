import { Table } from '@trussworks/react-uswds';
import type { ReactNode } from 'react';
import { formatDate } from '../format';
import type { RecordIdentity, ReviewCandidate } from '../identity-types';
import { agreementOf } from '../match-words';
import { Agreement } from './Agreement';
import { PersonLink } from './PersonLink';
import './evidence.css';

interface Row {
  label: string;
  /** The engine's field for this row, whose level marks each candidate's cell. */
  field?: string;
  value: (r: RecordIdentity) => ReactNode;
}

const ROWS: Row[] = [
  { label: 'Record type', value: (r) => r.recordType },
  { label: 'Given name', field: 'given_name', value: (r) => r.givenName },
  { label: 'Middle name', field: 'middle_name', value: (r) => r.middleName },
  { label: 'Family name', field: 'family_name', value: (r) => r.familyName },
  {
    label: 'Date of birth',
    field: 'date_of_birth',
    value: (r) => (r.dateOfBirth ? <time dateTime={r.dateOfBirth}>{formatDate(r.dateOfBirth)}</time> : null),
  },
  { label: 'Sex', field: 'sex', value: (r) => r.sex },
  { label: 'Country of citizenship', field: 'country_of_citizenship', value: (r) => r.countryOfCitizenship },
  {
    label: 'Passport',
    field: 'passport_number',
    value: (r) =>
      r.passportNumber ? (
        <>
          <code>{r.passportNumber}</code>
          {r.passportCountry ? ` (${r.passportCountry})` : ''}
        </>
      ) : null,
  },
  { label: 'A-number', field: 'a_number', value: (r) => (r.aNumber ? <code>{r.aNumber}</code> : null) },
];

/**
 * The record under review beside each candidate record: one row per field, one column per record.
 * Each candidate cell says whether it speaks for or against the match, in words and a symbol.
 */
export function RecordComparison({
  record,
  candidates,
}: {
  record: RecordIdentity | null;
  candidates: ReviewCandidate[];
}) {
  return (
    <div data-testid="record-comparison">
      <Table caption="This record beside each candidate record, field by field" bordered fullWidth scrollable>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">
              This record
              <span className="display-block text-normal">
                <code>{record ? `${record.source}:${record.sourceRecordId}` : 'not found'}</code>
              </span>
            </th>
            {candidates.map((c, i) => (
              <th scope="col" key={c.recordKey} data-testid="candidate-column">
                Candidate {i + 1}
                <span className="display-block text-normal">
                  <code>{c.recordKey}</code>, <CandidatePerson candidate={c} />
                </span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {ROWS.map((row) => (
            <tr key={row.label}>
              <th scope="row">{row.label}</th>
              <td>{show(record, row)}</td>
              {candidates.map((c) => {
                const evidence = row.field ? c.evidence.fields.find((f) => f.field === row.field) : undefined;
                const agreement = evidence ? agreementOf(evidence.weight) : 'neutral';
                return (
                  <td key={c.recordKey} className={`passage-compare-cell--${agreement}`}>
                    {show(c.record, row)}
                    {evidence ? (
                      <span className="display-block font-body-3xs">
                        <Agreement weight={evidence.weight} level={evidence.level} />
                      </span>
                    ) : null}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </Table>
    </div>
  );
}

function show(record: RecordIdentity | null, row: Row): ReactNode {
  if (!record) return '—';
  return row.value(record) ?? <span className="text-base-dark">not recorded</span>;
}

/** "person 5", or "person 5 (now person 9)" when that person was merged since. */
export function CandidatePerson({ candidate }: { candidate: ReviewCandidate }) {
  const now = candidate.currentPersonId;
  if (now && now !== candidate.personId) {
    return (
      <>
        person {candidate.personId} (now <PersonLink id={now} />)
      </>
    );
  }
  return <PersonLink id={candidate.personId} />;
}
