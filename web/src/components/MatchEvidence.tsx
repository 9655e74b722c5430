import { Table } from '@trussworks/react-uswds';
import type { PairEvidence } from '../identity-types';
import { agreementOf, fieldLabel, formatBits, formatProbability, guardWords } from '../match-words';
import { AppLink } from './AppLink';
import { Agreement, LevelName } from './Agreement';
import './evidence.css';
import { Fact, Facts } from './Facts';

/** What a weight in bits means, in a few sentences; shown once above the evidence tables. */
export function WeightsExplained({ showModelLink = true }: { showModelLink?: boolean }) {
  return (
    <div className="usa-prose measure-6" data-testid="weights-explained">
      <p>
        The engine compares the two records field by field. Each comparison adds <strong>bits</strong> of
        evidence: <strong>+1 bit doubles</strong> the odds that the records are the same person,{' '}
        <strong>−1 bit halves</strong> them, 0 means the field says nothing (for example, when one record
        leaves it empty). It starts from a prior — how unlikely it is that two records picked at random are
        the same person — and adds each field’s weight; the total gives the probability.
      </p>
      <p>
        Agreeing on a rare name or birth date counts for more than agreeing on a common one: the “how common”
        column shows that part of a field’s weight.
        {showModelLink ? (
          <>
            {' '}
            The <AppLink href="/match-model">match model</AppLink> lists what every level of every field
            weighs.
          </>
        ) : null}
      </p>
    </div>
  );
}

interface MatchEvidenceProps {
  evidence: PairEvidence;
  /** The table's caption: which pair this is. */
  caption: string;
}

/** The engine's field-by-field reasons for one pair of records, with the total and any guard. */
export function MatchEvidence({ evidence, caption }: MatchEvidenceProps) {
  const fieldSum = evidence.fields.reduce((sum, f) => sum + f.weight, 0);
  const computed = evidence.priorWeight + fieldSum;
  const held = Math.abs(computed - evidence.weight) > 0.01;
  return (
    <div data-testid="match-evidence">
      <Facts small>
        <Fact term="Probability of the same person">
          <span data-testid="evidence-probability">{formatProbability(evidence.probability)}</span>
        </Fact>
        <Fact term="Total weight">{formatBits(evidence.weight)} bits</Fact>
        <Fact term="Records compared">
          <code>{evidence.records[0]}</code> and <code>{evidence.records[1]}</code>
        </Fact>
      </Facts>
      {evidence.guard ? (
        <p className="passage-guard-note" data-testid="evidence-guard">
          <strong>Held for a person to decide.</strong> {guardWords(evidence.guard)}
          {held
            ? ` The weight of ${formatBits(computed)} bits is held at ${formatBits(evidence.weight)}.`
            : ''}
        </p>
      ) : null}
      {evidence.namesSwapped ? (
        <p data-testid="evidence-names-swapped">
          The given and family names agree only when read crossed (one record has them the other way round).
        </p>
      ) : null}
      <Table caption={caption} bordered fullWidth compact scrollable>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Values compared</th>
            <th scope="col">How they compare</th>
            <th scope="col">Weight (bits)</th>
            <th scope="col">Of which: how common the value is</th>
          </tr>
        </thead>
        <tbody>
          {evidence.fields.map((f) => (
            <tr
              key={f.field}
              className={`passage-evidence-row--${agreementOf(f.weight)}`}
              data-testid="evidence-field"
              data-field={f.field}
            >
              <th scope="row">{fieldLabel(f.field)}</th>
              <td>{f.values ? <ComparedValues values={f.values} /> : '—'}</td>
              <td>
                <Agreement weight={f.weight} />
                <span className="passage-level">
                  <LevelName level={f.level} />
                </span>
              </td>
              <td className="passage-weight">{formatBits(f.weight)}</td>
              <td className="passage-weight">
                {f.termFrequency === undefined ? '—' : formatBits(f.termFrequency)}
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={3}>
              Prior (before any field is compared)
            </th>
            <td className="passage-weight">{formatBits(evidence.priorWeight)}</td>
            <td />
          </tr>
          <tr>
            <th scope="row" colSpan={3}>
              Total{held ? ' (held by the rule above)' : ''}
            </th>
            <td className="passage-weight text-bold">{formatBits(evidence.weight)}</td>
            <td />
          </tr>
        </tfoot>
      </Table>
    </div>
  );
}

function ComparedValues({ values }: { values: [string, string] }) {
  const [a, b] = values;
  if (!a && !b) return <span className="text-base-dark">both empty</span>;
  return (
    <>
      <code>{a || '(empty)'}</code>
      <span className="text-base-dark"> vs </span>
      <code>{b || '(empty)'}</code>
    </>
  );
}
