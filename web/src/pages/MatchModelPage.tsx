import { Table } from '@trussworks/react-uswds';
import { api } from '../api';
import { Agreement, LevelName } from '../components/Agreement';
import { ErrorAlert, Loading } from '../components/ErrorAlert';
import { WeightsExplained } from '../components/MatchEvidence';
import { NotPermitted } from '../components/NotPermitted';
import { formatCount, formatDateTime } from '../format';
import { useApi, usePageTitle } from '../hooks';
import type { MatchModel } from '../identity-types';
import { fieldLabel, formatBits, formatProbability, formatShare } from '../match-words';
import { can, Permission, useSession } from '../session';
import { Fact, Facts } from '../components/Facts';

const KIND_WORDS: Record<MatchModel['kind'], string> = {
  synthetic: 'Estimated on a synthetic population',
  em: 'Estimated on the records themselves (expectation–maximisation)',
  refined: 'Refined with reviewers’ decisions',
};

/** The active match model, for transparency: what every comparison level of every field weighs. */
export function MatchModelPage() {
  const { session } = useSession();
  if (!can(session, Permission.MatchModelView)) {
    return <NotPermitted title="Match model" what="the match model" />;
  }
  return <MatchModelView />;
}

function MatchModelView() {
  usePageTitle('Match model');
  const loaded = useApi((signal) => api.getMatchModel(signal), []);
  const model = loaded.data;
  return (
    <div data-testid="match-model">
      <h1>Match model</h1>
      {loaded.error ? <ErrorAlert error={loaded.error} /> : null}
      {!model && !loaded.error ? <Loading what="the match model" /> : null}
      {model ? <ModelBody model={model} /> : null}
    </div>
  );
}

function ModelBody({ model }: { model: MatchModel }) {
  return (
    <>
      <Facts testId="model-facts">
        <Fact term="Model">{model.id}</Fact>
        <Fact term="How it was made">{KIND_WORDS[model.kind]}</Fact>
        <Fact term="Records / reviewer decisions">
          {formatCount(model.records)} / {formatCount(model.labels)}
        </Fact>
        <Fact term="Made">
          <time dateTime={model.createdAt}>{formatDateTime(model.createdAt)}</time> by {model.createdBy}
        </Fact>
        <Fact term="Note" wide>
          {model.note}
        </Fact>
      </Facts>
      <h2>How it decides</h2>
      <ul className="usa-list">
        <li>
          Every comparison starts from the prior of <strong>{formatBits(model.priorWeight)} bits</strong>.
        </li>
        <li>At {formatProbability(model.thresholds.link)} or more, a record is linked to the person.</li>
        <li>
          From {formatProbability(model.thresholds.review)} up to that, a person decides in the review queue.
        </li>
        <li>
          Below, the record starts a new person (a departure still waits for review: it is never guessed).
        </li>
      </ul>
      <WeightsExplained showModelLink={false} />
      <p className="measure-6">
        <strong>m</strong> is how often a level occurs when both records are the same person,{' '}
        <strong>u</strong> how often when they are not; the weight is log₂(m / u).
      </p>
      <h2>Fields and level weights</h2>
      {model.fields.map((field) => (
        <div key={field.name} data-testid="model-field" data-field={field.name}>
          <Table caption={fieldLabel(field.name)} bordered compact scrollable>
            <thead>
              <tr>
                <th scope="col">Level</th>
                <th scope="col">Agreement</th>
                <th scope="col">m (same person)</th>
                <th scope="col">u (different people)</th>
                <th scope="col">Weight (bits)</th>
              </tr>
            </thead>
            <tbody>
              {field.levels.map((level) => (
                <tr key={level.level}>
                  <th scope="row">
                    <LevelName level={level.level} />
                  </th>
                  <td>
                    <Agreement weight={level.weight} />
                  </td>
                  <td className="passage-weight">{formatShare(level.m)}</td>
                  <td className="passage-weight">{formatShare(level.u)}</td>
                  <td className="passage-weight">{formatBits(level.weight)}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        </div>
      ))}
    </>
  );
}
