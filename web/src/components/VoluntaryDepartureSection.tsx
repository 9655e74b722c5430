import {
  Alert,
  Button,
  ErrorMessage,
  Fieldset,
  Form,
  FormGroup,
  Label,
  Table,
  Tag,
  TextInput,
} from '@trussworks/react-uswds';
import { useState, type SubmitEvent } from 'react';
import { api, toApiError, type ApiError } from '../api';
import { formatDate } from '../format';
import type { Purpose, VoluntaryDeparture } from '../types';
import { ErrorAlert } from './ErrorAlert';

/** Where a grant stands on a date: a departure within its dates complies with it. */
export function grantStatus(grant: VoluntaryDeparture, asOf: string): { label: string; tone: string } {
  if (grant.compliedOn && grant.compliedSelfReported) {
    // As the overstay rules weigh it: the person says they left; no exit record confirms it yet.
    return {
      label: `Departure reported on ${formatDate(grant.compliedOn)} (self-reported, unconfirmed)`,
      tone: 'not_determinable',
    };
  }
  if (grant.compliedOn) {
    return { label: `Complied on ${formatDate(grant.compliedOn)}`, tone: 'departed_on_time' };
  }
  if (asOf > grant.departBy) {
    return {
      label: `Not complied: no departure by ${formatDate(grant.departBy)}`,
      tone: 'out_of_country_overstay',
    };
  }
  return { label: `Pending: to depart by ${formatDate(grant.departBy)}`, tone: 'not_yet_due' };
}

interface Props {
  personId: string;
  purpose: Purpose;
  grants: VoluntaryDeparture[];
  asOf: string;
  canGrant: boolean;
  /** Called after a grant was recorded, to read the person again. */
  onGranted: () => void;
}

/**
 * Voluntary departure grants: the date to leave by, who granted it, and whether the person
 * complied. Supervisors record new grants here; the page's declared purpose is audited with it.
 */
export function VoluntaryDepartureSection({ personId, purpose, grants, asOf, canGrant, onGranted }: Props) {
  if (!grants.length && !canGrant) return null;
  return (
    <section aria-labelledby="voluntary-heading" className="margin-top-5" data-testid="voluntary-departures">
      <h2 id="voluntary-heading">Voluntary departure</h2>
      {grants.length ? (
        <Table caption="Voluntary departure grants" bordered scrollable>
          <thead>
            <tr>
              <th scope="col">Granted on</th>
              <th scope="col">Depart by</th>
              <th scope="col">Granted by</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {grants.map((g, i) => {
              const status = grantStatus(g, asOf);
              return (
                <tr key={`${g.grantedOn}-${g.departBy}-${i}`} data-testid="voluntary-departure-row">
                  <td>
                    <time dateTime={g.grantedOn}>{formatDate(g.grantedOn)}</time>
                  </td>
                  <td>
                    <time dateTime={g.departBy}>{formatDate(g.departBy)}</time>
                  </td>
                  <td>{g.grantedBy}</td>
                  <td>
                    <Tag
                      className={`passage-status-tag passage-outcome-tag--${status.tone}`}
                      data-testid="voluntary-departure-status"
                    >
                      {status.label}
                    </Tag>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      ) : (
        <p data-testid="voluntary-departures-empty">No voluntary departure grant is recorded.</p>
      )}
      {canGrant ? <GrantForm personId={personId} purpose={purpose} onGranted={onGranted} /> : null}
    </section>
  );
}

const EMPTY = { grantedOn: '', departBy: '', grantedBy: '' };

function GrantForm({
  personId,
  purpose,
  onGranted,
}: {
  personId: string;
  purpose: Purpose;
  onGranted: () => void;
}) {
  const [fields, setFields] = useState(EMPTY);
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const [recorded, setRecorded] = useState<string | null>(null);

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const missing = !fields.grantedOn || !fields.departBy || fields.grantedBy.trim().length < 2;
    const found = missing
      ? 'Enter the grant date, the date to depart by and who granted it.'
      : fields.departBy < fields.grantedOn
        ? 'The date to depart by must be on or after the date of the grant.'
        : null;
    setProblem(found);
    setError(null);
    setRecorded(null);
    if (found) return;
    setSaving(true);
    api.grantVoluntaryDeparture(personId, purpose, { ...fields, grantedBy: fields.grantedBy.trim() }).then(
      ({ grant, audit }) => {
        setSaving(false);
        setFields(EMPTY);
        const already = !grant.compliedOn
          ? ''
          : grant.compliedSelfReported
            ? `: a self-reported departure on ${formatDate(grant.compliedOn)} (unconfirmed) falls within its dates`
            : `: already complied with on ${formatDate(grant.compliedOn)}`;
        setRecorded(`Grant recorded (audit entry #${audit.seq})${already}.`);
        onGranted();
      },
      (err: unknown) => {
        setSaving(false);
        setError(toApiError(err));
      },
    );
  };

  // Dates use native date inputs (styled usa-input): TextInput offers no date type.
  const field = (name: keyof typeof EMPTY) => ({
    id: `grant-${name}`,
    name,
    value: fields[name],
    onChange: (e: { target: { value: string } }) => {
      setFields((f) => ({ ...f, [name]: e.target.value }));
    },
    'data-testid': `grant-${name}`,
  });

  return (
    <Form
      onSubmit={submit}
      className="maxw-tablet margin-top-3"
      aria-label="Record a voluntary departure grant"
      noValidate
    >
      <Fieldset legend="Record a voluntary departure grant" legendStyle="default">
        <p className="usa-hint margin-top-0">
          As on the order. Recording it is audited with the purpose you declared: {purpose.text}.
        </p>
        <FormGroup error={!!problem}>
          {problem ? <ErrorMessage id="grant-problem">{problem}</ErrorMessage> : null}
          <Label htmlFor="grant-grantedOn" requiredMarker>
            Granted on
          </Label>
          <input className="usa-input" type="date" required {...field('grantedOn')} />
          <Label htmlFor="grant-departBy" requiredMarker>
            Depart by
          </Label>
          <input className="usa-input" type="date" required {...field('departBy')} />
          <Label htmlFor="grant-grantedBy" requiredMarker>
            Granted by
          </Label>
          <span className="usa-hint" id="grant-grantedBy-hint">
            The immigration judge or DHS officer named on the order.
          </span>
          <TextInput
            type="text"
            required
            maxLength={200}
            autoComplete="off"
            aria-describedby="grant-grantedBy-hint"
            {...field('grantedBy')}
          />
        </FormGroup>
      </Fieldset>
      <Button type="submit" disabled={saving} data-testid="grant-submit">
        {saving ? 'Recording…' : 'Record grant'}
      </Button>
      <div aria-live="polite">
        {recorded ? (
          <Alert type="success" headingLevel="h3" slim className="margin-y-2" data-testid="grant-recorded">
            {recorded}
          </Alert>
        ) : null}
      </div>
      {error ? <ErrorAlert error={error} /> : null}
    </Form>
  );
}
