import { ErrorMessage, FormGroup, Label, Textarea } from '@trussworks/react-uswds';
import type { Ref } from 'react';

interface ReasonFieldProps {
  id: string;
  label: string;
  hint: string;
  value: string;
  onChange: (value: string) => void;
  /** The problem to show, or null. */
  problem: string | null;
  required?: boolean;
  inputRef?: Ref<HTMLTextAreaElement>;
  testId?: string;
}

/** A labelled text area for the why of a change (a reason, a reviewer's note), with hint and error. */
export function ReasonField({
  id,
  label,
  hint,
  value,
  onChange,
  problem,
  required = false,
  inputRef,
  testId,
}: ReasonFieldProps) {
  return (
    <FormGroup error={!!problem}>
      <Label htmlFor={id} requiredMarker={required} error={!!problem}>
        {label}
      </Label>
      <span className="usa-hint" id={`${id}-hint`}>
        {hint}
      </span>
      {problem ? <ErrorMessage id={`${id}-error`}>{problem}</ErrorMessage> : null}
      <Textarea
        id={id}
        name={id}
        value={value}
        maxLength={1000}
        required={required}
        error={!!problem}
        aria-invalid={problem ? true : undefined}
        aria-describedby={`${id}-hint${problem ? ` ${id}-error` : ''}`}
        inputRef={inputRef}
        onChange={(event) => {
          onChange(event.target.value);
        }}
        data-testid={testId}
      />
    </FormGroup>
  );
}

/** The server's rule for a reason: at least 10 characters once trimmed. */
export function reasonProblem(reason: string): string | null {
  return reason.trim().length < 10 ? 'Say why in at least 10 characters.' : null;
}
