import { Button, ErrorMessage, Fieldset, Form, Radio } from '@trussworks/react-uswds';
import { useRef, useState, type SubmitEvent } from 'react';
import { api } from '../api';
import type { DecisionInput, DecisionResponse, ReviewDetail } from '../identity-types';
import { useAction } from '../use-action';
import { ErrorAlert } from './ErrorAlert';
import { ReasonField } from './ReasonField';

/** One choice per candidate person (several candidate records may belong to one person). */
interface PersonChoice {
  personId: string;
  /** The person that id stands for now, when a merge moved it since. */
  now: string | null;
  numbers: number[];
}

function personChoices(review: ReviewDetail): PersonChoice[] {
  const choices: PersonChoice[] = [];
  review.candidates.forEach((c, i) => {
    const known = choices.find((x) => x.personId === c.personId);
    if (known) known.numbers.push(i + 1);
    else {
      const now = c.currentPersonId && c.currentPersonId !== c.personId ? c.currentPersonId : null;
      choices.push({ personId: c.personId, now, numbers: [i + 1] });
    }
  });
  return choices;
}

function sameAs(numbers: number[]): string {
  if (numbers.length === 1) return `candidate ${numbers[0]}`;
  return `candidates ${numbers.slice(0, -1).join(', ')} and ${numbers[numbers.length - 1]}`;
}

type Choice = { decision: 'confirm'; personId: string } | { decision: 'reject' } | { decision: 'not_sure' };

const choiceKey = (c: Choice): string => (c.decision === 'confirm' ? `confirm-${c.personId}` : c.decision);

/**
 * The reviewer's decision: the same person as one candidate, none of them, or not sure (with a
 * note, so the next reviewer can pick it up). The server acts on it at once and audits it.
 */
export function ReviewDecisionForm({
  review,
  onDecided,
}: {
  review: ReviewDetail;
  onDecided: (result: DecisionResponse, input: DecisionInput) => void;
}) {
  const [choice, setChoice] = useState<Choice | null>(null);
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<{ choice?: string; note?: string }>({});
  const action = useAction();
  const firstRadio = useRef<HTMLInputElement>(null);
  const noteRef = useRef<HTMLTextAreaElement>(null);

  const submit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!choice) {
      setProblem({ choice: 'Choose a decision.' });
      firstRadio.current?.focus();
      return;
    }
    if (choice.decision === 'not_sure' && note.trim().length < 5) {
      setProblem({ note: 'Say in a few words (at least 5 characters) what makes you unsure.' });
      noteRef.current?.focus();
      return;
    }
    setProblem({});
    const input: DecisionInput = { ...choice, ...(note.trim() ? { note: note.trim() } : {}) };
    const result = await action.run(() => api.decideReview(review.id, input));
    if (result) {
      setChoice(null);
      setNote('');
      onDecided(result, input);
    }
  };

  const options: { choice: Choice; label: string; description: string }[] = [
    ...personChoices(review).map(({ personId, now, numbers }) => ({
      choice: { decision: 'confirm' as const, personId },
      label: `Same person as ${sameAs(numbers)} (person ${personId}${now ? `, now person ${now}` : ''})`,
      description:
        review.kind === 'possible_match'
          ? `Merges this record’s person into person ${now ?? personId}. A supervisor can undo the merge.`
          : `Links this record to person ${now ?? personId}.`,
    })),
    {
      choice: { decision: 'reject' },
      label: review.candidates.length ? 'None of these' : 'No existing person: make it a person of its own',
      description:
        review.kind === 'possible_match'
          ? 'Keeps this record’s person apart from the candidates.'
          : 'Makes this record a new person of its own.',
    },
    {
      choice: { decision: 'not_sure' },
      label: 'Not sure',
      description: 'Leaves the review open for another reviewer; a note is required.',
    },
  ];

  return (
    <Form
      onSubmit={(e) => void submit(e)}
      className="maxw-tablet-lg"
      aria-label="Decide this review"
      noValidate
      data-testid="decision-form"
    >
      <Fieldset legend="Whom does this record belong to?" legendStyle="default">
        {problem.choice ? <ErrorMessage id="decision-error">{problem.choice}</ErrorMessage> : null}
        {options.map((o, i) => (
          <Radio
            key={choiceKey(o.choice)}
            id={`decision-${choiceKey(o.choice)}`}
            name="decision"
            value={choiceKey(o.choice)}
            label={o.label}
            labelDescription={o.description}
            tile
            checked={choice !== null && choiceKey(choice) === choiceKey(o.choice)}
            onChange={() => {
              setChoice(o.choice);
              setProblem({});
            }}
            inputRef={i === 0 ? firstRadio : undefined}
            aria-describedby={problem.choice ? 'decision-error' : undefined}
            data-testid={`decision-${choiceKey(o.choice)}`}
          />
        ))}
      </Fieldset>
      <ReasonField
        id="decision-note"
        label="Note"
        hint="Why you decided this way; kept with the decision and in the audit log. Optional, except when you are not sure."
        value={note}
        onChange={setNote}
        problem={problem.note ?? null}
        required={choice?.decision === 'not_sure'}
        inputRef={noteRef}
        testId="decision-note"
      />
      {action.error ? <ErrorAlert error={action.error} /> : null}
      <Button type="submit" className="margin-top-3" disabled={action.busy} data-testid="decision-submit">
        {action.busy ? 'Recording decision…' : 'Record decision'}
      </Button>
    </Form>
  );
}
