import {
  Button,
  ErrorMessage,
  Fieldset,
  Form,
  FormGroup,
  Label,
  Radio,
  TextInput,
} from '@trussworks/react-uswds';
import { useRef, useState, type SubmitEvent } from 'react';
import { purposeProblem } from '../purpose';
import type { Purpose, PurposeKind } from '../types';

interface PurposeFormProps {
  /** Who the view is of, when known from search results. */
  personName?: string;
  initial?: Purpose | null;
  onSubmit: (purpose: Purpose) => void;
  onCancel?: () => void;
  /** A problem the server reported with the last purpose. */
  serverProblem?: string | null;
}

/**
 * "Declare a purpose": asked before any person data is requested. The server records every view
 * in the audit log together with this purpose.
 */
export function PurposeForm({ personName, initial, onSubmit, onCancel, serverProblem }: PurposeFormProps) {
  const [kind, setKind] = useState<PurposeKind>(initial?.kind ?? 'case');
  const [text, setText] = useState(initial?.text ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const shown = problem ?? serverProblem ?? null;

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const found = purposeProblem(kind, text);
    setProblem(found);
    if (found) {
      input.current?.focus();
      return;
    }
    onSubmit({ kind, text: text.trim() });
  };

  const label = kind === 'case' ? 'Case number' : 'Reason for viewing';
  const hint =
    kind === 'case'
      ? 'The case you are working on, for example NBC-2024-000123.'
      : 'In your own words, 10 to 500 characters, for example “Answering a congressional inquiry about a pending application”.';

  return (
    <Form
      onSubmit={submit}
      className="maxw-tablet"
      data-testid="purpose-form"
      aria-label="Declare a purpose"
      noValidate
    >
      <p className="usa-hint margin-top-0 text-base-darker" id="purpose-explanation">
        {personName ? (
          <>
            You are about to view the record of <strong>{personName}</strong>.{' '}
          </>
        ) : null}
        Your view will be recorded in the audit log with the purpose you declare here, together with your name
        and the time. Declare it before any personal data is shown.
      </p>
      <Fieldset legend="Purpose of this view" legendStyle="default">
        <Radio
          id="purpose-kind-case"
          name="purposeKind"
          value="case"
          label="Case number"
          checked={kind === 'case'}
          onChange={() => {
            setKind('case');
            setProblem(null);
          }}
          data-testid="purpose-kind-case"
        />
        <Radio
          id="purpose-kind-reason"
          name="purposeKind"
          value="reason"
          label="Other reason"
          checked={kind === 'reason'}
          onChange={() => {
            setKind('reason');
            setProblem(null);
          }}
          data-testid="purpose-kind-reason"
        />
      </Fieldset>
      <FormGroup error={!!shown}>
        <Label htmlFor="purpose-text" requiredMarker error={!!shown}>
          {label}
        </Label>
        <span className="usa-hint" id="purpose-text-hint">
          {hint}
        </span>
        {shown ? <ErrorMessage id="purpose-text-error">{shown}</ErrorMessage> : null}
        <TextInput
          id="purpose-text"
          name="purpose"
          type="text"
          ref={input}
          value={text}
          required
          maxLength={500}
          autoComplete="off"
          validationStatus={shown ? 'error' : undefined}
          aria-invalid={shown ? true : undefined}
          aria-describedby={`purpose-text-hint${shown ? ' purpose-text-error' : ''}`}
          onChange={(event) => {
            setText(event.target.value);
          }}
          data-testid="purpose-input"
        />
      </FormGroup>
      <div className="margin-top-3">
        <Button type="submit" data-testid="purpose-submit">
          View record
        </Button>
        {onCancel ? (
          <Button type="button" unstyled className="margin-left-2" onClick={onCancel}>
            Cancel
          </Button>
        ) : null}
      </div>
    </Form>
  );
}
