import { Button, Fieldset, Form, Label, TextInput } from '@trussworks/react-uswds';
import { useState, type SubmitEvent } from 'react';
import { api, toApiError, type ApiError } from '../api';
import { ErrorAlert } from '../components/ErrorAlert';
import { usePageTitle } from '../hooks';
import type { Session } from '../types';

/** Username and password; on success the app goes on to the page the user came from. */
export function SignInPage({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  usePageTitle('Sign in');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = await api.signIn(username.trim(), password);
      setPassword('');
      onSignedIn(session);
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  };

  return (
    <div className="maxw-mobile-lg">
      <h1>Sign in to Passage</h1>
      <p className="usa-intro">Use the account your administrator gave you. Every sign-in is recorded.</p>
      {error ? <ErrorAlert error={error} /> : null}
      <Form
        onSubmit={(event) => {
          void submit(event);
        }}
        data-testid="sign-in-form"
      >
        <Fieldset legend="Your account" legendStyle="srOnly">
          <Label htmlFor="username">Username</Label>
          <TextInput
            id="username"
            name="username"
            type="text"
            autoComplete="username"
            autoCapitalize="off"
            spellCheck={false}
            required
            value={username}
            onChange={(e) => {
              setUsername(e.target.value);
            }}
            data-testid="username"
          />
          <Label htmlFor="password">Password</Label>
          <TextInput
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => {
              setPassword(e.target.value);
            }}
            data-testid="password"
          />
          <Button type="submit" disabled={busy} data-testid="sign-in-submit">
            Sign in
          </Button>
        </Fieldset>
      </Form>
    </div>
  );
}
