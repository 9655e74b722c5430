import { evidenceValue, formatDateTime, recordAnchor } from '../format';
import type { IdentityEvent, PairEvidence } from '../identity-types';
import { EVENT_KIND_WORDS, formatProbability, ruleWords } from '../match-words';
import type { SourceRecord } from '../types';
import { AppLink } from './AppLink';
import { Fact, Facts } from './Facts';
import { MatchEvidence } from './MatchEvidence';
import { PersonLink } from './PersonLink';

type Evidence = Record<string, unknown>;

const text = (v: unknown): string | null =>
  typeof v === 'string' || typeof v === 'number' ? String(v) : null;
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

function isPairEvidence(v: unknown): v is PairEvidence {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Partial<PairEvidence>;
  return Array.isArray(p.fields) && Array.isArray(p.records) && typeof p.probability === 'number';
}

interface CandidateEvidence {
  personId: string;
  record: string | null;
  probability: number | null;
  evidence: PairEvidence | null;
}

function candidatesOf(v: unknown): CandidateEvidence[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((c: unknown) => {
    if (typeof c !== 'object' || c === null) return [];
    const o = c as Evidence;
    const personId = text(o.personId);
    if (!personId) return [];
    return [
      {
        personId,
        record: text(o.record),
        probability: num(o.probability),
        evidence: isPairEvidence(o.evidence) ? o.evidence : null,
      },
    ];
  });
}

/** "EXIT:EXIT-1", linking to that record's row when it is on this page. */
function RecordName({ value, onPage }: { value: string; onPage: boolean }) {
  const [code = '', ...rest] = value.split(':');
  const ref = { sourceCode: code, sourceRecordId: rest.join(':') };
  return onPage ? (
    <a className="usa-link" href={`#${recordAnchor(ref)}`}>
      <code>{value}</code>
    </a>
  ) : (
    <code>{value}</code>
  );
}

interface LinkEvidenceProps {
  record: SourceRecord;
  /** The person's identity events, to say who moved a record and why. */
  events: IdentityEvent[] | undefined;
  /** Record names (CODE:ID) of this person, to link to their rows. */
  onPage: ReadonlySet<string>;
}

/** How one record came to be linked to this person: the rule in words and its evidence. */
export function LinkEvidence({ record, events, onPage }: LinkEvidenceProps) {
  const { rule, evidence, linkedAt, linkedBy } = record.link;
  const e = evidence as Evidence;
  const pair = isPairEvidence(e.pair) ? e.pair : null;
  // With the pair's own evidence below, its probability is shown there.
  const probability = pair ? null : (num(e.probability) ?? num(e.bestProbability));
  const matched = text(e.matchedRecord);
  const reviewId = text(e.reviewId);
  const eventId = text(e.identityEvent);
  const candidates = candidatesOf(e.candidates);
  const best =
    typeof e.bestCandidate === 'object' && e.bestCandidate !== null ? (e.bestCandidate as Evidence) : null;
  const note = text(e.note);
  const reason = text(e.reason);
  const known =
    ['match', 'new_person', 'new_person_pending_review', 'review_confirmed'].includes(rule) || eventId;

  return (
    <div data-testid="link-evidence" data-rule={rule}>
      <p className="margin-top-0">
        <strong data-testid="link-rule-words">{ruleWords(rule)}</strong> (rule <code>{rule}</code>), on{' '}
        <time dateTime={linkedAt}>{formatDateTime(linkedAt)}</time>
        {linkedBy ? ` by ${linkedBy}` : ''}.
      </p>
      <Facts small>
        {probability !== null ? (
          <Fact term={rule === 'new_person' ? 'Best probability found' : 'Probability'}>
            {formatProbability(probability)}
          </Fact>
        ) : null}
        {matched ? (
          <Fact term="Matched record">
            <RecordName value={matched} onPage={onPage.has(matched)} />
          </Fact>
        ) : null}
        {best && text(best.record) ? (
          <Fact term="Closest record">
            <code>{text(best.record)}</code>
            {text(best.personId) ? (
              <>
                {' '}
                (<PersonLink id={text(best.personId)!} />)
              </>
            ) : null}
          </Fact>
        ) : null}
        {reviewId ? (
          <Fact term="Review">
            <AppLink href={`/reviews/${encodeURIComponent(reviewId)}`}>review {reviewId}</AppLink>
          </Fact>
        ) : null}
        {text(e.modelId) ? <Fact term="Match model">{text(e.modelId)}</Fact> : null}
        {reason && !eventId ? <Fact term="Reason">{reason}</Fact> : null}
        {note ? <Fact term="Reviewer’s note">{note}</Fact> : null}
      </Facts>
      {eventId ? <MovedBy eventId={eventId} events={events} /> : null}
      {pair ? (
        <MatchEvidence evidence={pair} caption={`Field by field: ${pair.records.join(' against ')}`} />
      ) : null}
      {candidates.length ? <Candidates candidates={candidates} /> : null}
      {known ? null : <RawEvidence evidence={e} />}
    </div>
  );
}

function MovedBy({ eventId, events }: { eventId: string; events: IdentityEvent[] | undefined }) {
  const event = events?.find((x) => x.id === eventId);
  if (!event) return <p>Identity event {eventId} (see the identity history below).</p>;
  return (
    <p data-testid="link-event">
      {EVENT_KIND_WORDS[event.kind]} (identity event {event.id}) by {event.actor} on{' '}
      <time dateTime={event.createdAt}>{formatDateTime(event.createdAt)}</time>, from{' '}
      <PersonLink id={event.fromPersonId} /> to <PersonLink id={event.toPersonId} />. Reason: “{event.reason}”
      {event.undoneBy ? ` (undone since by event ${event.undoneBy})` : ''}.
    </p>
  );
}

function Candidates({ candidates }: { candidates: CandidateEvidence[] }) {
  return (
    <>
      <p className="text-bold">Candidates the engine weighed</p>
      <ul className="usa-list">
        {candidates.map((c, i) => (
          <li key={`${c.personId}-${c.record ?? i}`}>
            <PersonLink id={c.personId} />
            {c.record ? (
              <>
                , record <code>{c.record}</code>
              </>
            ) : null}
            {c.probability !== null ? `: ${formatProbability(c.probability)}` : ''}
            {c.evidence ? (
              <MatchEvidence
                evidence={c.evidence}
                caption={`Field by field: ${c.evidence.records.join(' against ')}`}
              />
            ) : null}
          </li>
        ))}
      </ul>
    </>
  );
}

/** Evidence of a rule this page has no words for: shown as it is, not hidden. */
function RawEvidence({ evidence }: { evidence: Evidence }) {
  const entries = Object.entries(evidence);
  if (!entries.length) return null;
  return (
    <dl className="passage-evidence">
      {entries.map(([key, value]) => (
        <div key={key}>
          <dt>{key}:</dt> <dd>{evidenceValue(value)}</dd>
        </div>
      ))}
    </dl>
  );
}
