import { Alert, Button, Form, Label, TextInput } from '@trussworks/react-uswds';
import { useState, type SubmitEvent } from 'react';
import { api, toApiError, type ApiError } from '../api';
import { AppLink } from '../components/AppLink';
import { ErrorAlert } from '../components/ErrorAlert';
import { usePageTitle } from '../hooks';
import { useSession } from '../session';

/** Change your password; required after an administrator sets it, but never blocks other work. */
export function PasswordPage() {
  usePageTitle('Change your password');
  const { session, refresh } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [mismatch, setMismatch] = useState(false);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    setMismatch(next !== confirm);
    if (next !== confirm) return;
    setBusy(true);
    try {
      await api.changePassword(current, next);
      setDone(true);
      setCurrent('');
      setNext('');
      setConfirm('');
      await refresh();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="maxw-mobile-lg">
      <h1>Change your password</h1>
      {done ? (
        <Alert type="success" headingLevel="h2" slim role="status" data-testid="password-changed">
          Your password was changed. Your other sessions were signed out.{' '}
          <AppLink href="/">Go to search</AppLink>
        </Alert>
      ) : null}
      {session.account.mustChangePassword && !done ? (
        <p className="usa-intro">
          Your password was set by an administrator. Choose a new one that only you know.
        </p>
      ) : null}
      {error ? <ErrorAlert error={error} /> : null}
      <Form
        onSubmit={(event) => {
          void submit(event);
        }}
        data-testid="password-form"
        noValidate
      >
        <Label htmlFor="current-password">Current password</Label>
        <TextInput
          id="current-password"
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onChange={(e) => {
            setCurrent(e.target.value);
          }}
        />
        <Label htmlFor="new-password">New password</Label>
        <span className="usa-hint" id="new-password-hint">
          At least 12 characters, and not containing your username.
        </span>
        <TextInput
          id="new-password"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          required
          aria-describedby="new-password-hint"
          maxLength={200}
          value={next}
          onChange={(e) => {
            setNext(e.target.value);
          }}
        />
        <Label htmlFor="confirm-password" error={mismatch}>
          Confirm new password
        </Label>
        {mismatch ? (
          <span className="usa-error-message" id="confirm-password-error" role="alert">
            The two new passwords do not match.
          </span>
        ) : null}
        <TextInput
          id="confirm-password"
          name="confirmPassword"
          type="password"
          autoComplete="new-password"
          required
          value={confirm}
          validationStatus={mismatch ? 'error' : undefined}
          aria-describedby={mismatch ? 'confirm-password-error' : undefined}
          onChange={(e) => {
            setConfirm(e.target.value);
          }}
        />
        <Button type="submit" disabled={busy}>
          Change password
        </Button>
      </Form>
    </div>
  );
}
