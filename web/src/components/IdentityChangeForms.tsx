import { Button, Checkbox, Fieldset, FormGroup, Label, TextInput } from '@trussworks/react-uswds';
import { useRef, useState } from 'react';
import { api } from '../api';
import { sourceRef } from '../format';
import type { IdentityEvent, RecordKey } from '../identity-types';
import type { Person, SourceRecord } from '../types';
import { ChangeForm } from './ChangeForm';

type Tool = 'merge' | 'split';

const TOOLS: readonly { key: Tool; label: string }[] = [
  { key: 'merge', label: 'Merge into another person…' },
  { key: 'split', label: 'Split records…' },
];

/** Supervisors' tools: merge this person into another, or split some records onto a new person. */
export function IdentityChangeForms({
  person,
  onChanged,
}: {
  person: Person;
  onChanged: (event: IdentityEvent) => void;
}) {
  const [open, setOpen] = useState<Tool | null>(null);
  const buttons = useRef<Record<Tool, HTMLButtonElement | null>>({ merge: null, split: null });
  const close = (tool: Tool) => () => {
    setOpen(null);
    // Back to the button that opened the form.
    window.setTimeout(() => buttons.current[tool]?.focus(), 0);
  };
  const done = (event: IdentityEvent) => {
    setOpen(null);
    onChanged(event);
  };

  return (
    <section aria-labelledby="identity-change-heading" className="margin-top-5" data-testid="identity-change">
      <h2 id="identity-change-heading">Change who is who</h2>
      <p className="measure-6">
        A merge moves all of this person’s records onto another person; a split moves some of them onto a new
        person. Both are recorded as events that can be undone, and two people with different A-numbers are
        never merged.
      </p>
      <div className="display-flex flex-wrap flex-gap-1">
        {TOOLS.map((tool) => (
          <Button
            key={tool.key}
            type="button"
            outline
            ref={(element) => {
              buttons.current[tool.key] = element;
            }}
            aria-expanded={open === tool.key}
            aria-controls={`${tool.key}-form`}
            disabled={tool.key === 'split' && person.records.length < 2}
            onClick={() => {
              setOpen(open === tool.key ? null : tool.key);
            }}
            data-testid={`open-${tool.key}`}
          >
            {tool.label}
          </Button>
        ))}
      </div>
      {open === 'merge' ? <MergeForm person={person} onDone={done} onCancel={close('merge')} /> : null}
      {open === 'split' ? <SplitForm person={person} onDone={done} onCancel={close('split')} /> : null}
    </section>
  );
}

interface FormProps {
  person: Person;
  onDone: (event: IdentityEvent) => void;
  onCancel: () => void;
}

function MergeForm({ person, onDone, onCancel }: FormProps) {
  const [into, setInto] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const validate = () => {
    const id = into.trim();
    const problem = !/^\d{1,18}$/.test(id)
      ? 'Enter the number of the person to merge into (digits only).'
      : id === person.id
        ? 'A person cannot be merged into themselves.'
        : null;
    if (problem) input.current?.focus();
    return problem;
  };
  return (
    <div id="merge-form" className="margin-top-2">
      <ChangeForm
        id="merge"
        label={`Merge person ${person.id} into another person`}
        validate={validate}
        submit={(reason) => api.mergePerson(person.id, into.trim(), reason)}
        submitLabel={`Merge person ${person.id} into that person`}
        onDone={onDone}
        onCancel={onCancel}
      >
        <FormGroup>
          <Label htmlFor="merge-into" requiredMarker>
            Person to merge into
          </Label>
          <span className="usa-hint" id="merge-into-hint">
            The person number, as in the page address /people/123. All {person.records.length} records of
            person {person.id} move there.
          </span>
          <TextInput
            id="merge-into"
            name="intoPersonId"
            type="text"
            inputMode="numeric"
            ref={input}
            value={into}
            required
            autoComplete="off"
            aria-describedby="merge-into-hint"
            onChange={(event) => {
              setInto(event.target.value);
            }}
            data-testid="merge-into"
          />
        </FormGroup>
      </ChangeForm>
    </div>
  );
}

const keyOf = (r: SourceRecord): RecordKey | null =>
  r.sourceId === undefined ? null : { sourceId: r.sourceId, sourceRecordId: r.sourceRecordId };

function SplitForm({ person, onDone, onCancel }: FormProps) {
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const first = useRef<HTMLInputElement>(null);
  const movable = person.records.filter((r) => keyOf(r) !== null);
  const validate = () => {
    const problem =
      movable.length < person.records.length
        ? 'This server does not name records by source id, so they cannot be split here.'
        : chosen.size === 0
          ? 'Choose at least one record to move.'
          : chosen.size >= person.records.length
            ? 'Leave at least one record on this person.'
            : null;
    if (problem) first.current?.focus();
    return problem;
  };
  const records = () => movable.filter((r) => chosen.has(sourceRef(r))).map((r) => keyOf(r)!);
  return (
    <div id="split-form" className="margin-top-2">
      <ChangeForm
        id="split"
        label={`Split records of person ${person.id} onto a new person`}
        validate={validate}
        submit={(reason) => api.splitPerson(person.id, records(), reason)}
        submitLabel={`Move ${chosen.size || 'the chosen'} ${chosen.size === 1 ? 'record' : 'records'} to a new person`}
        onDone={onDone}
        onCancel={onCancel}
      >
        <Fieldset legend="Records to move to a new person" legendStyle="default">
          {person.records.map((r, i) => {
            const name = sourceRef(r);
            return (
              <Checkbox
                key={name}
                id={`split-${i}`}
                name="records"
                value={name}
                label={name}
                labelDescription={`${r.recordType}, ${r.fileName}:${r.lineNumber}`}
                checked={chosen.has(name)}
                inputRef={i === 0 ? first : undefined}
                onChange={(event) => {
                  const next = new Set(chosen);
                  if (event.target.checked) next.add(name);
                  else next.delete(name);
                  setChosen(next);
                }}
                data-testid="split-record"
              />
            );
          })}
        </Fieldset>
      </ChangeForm>
    </div>
  );
}
