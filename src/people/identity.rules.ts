/**
 * Identity fields of a record and the normalized forms Passage searches by. Linking records to
 * people is the entity-resolution engine's (src/matching, used through linking.service.ts).
 */

/** The identity fields of one source record, already validated and normalized. */
export interface Identity {
  givenName: string | null;
  middleName: string | null;
  familyName: string | null;
  dateOfBirth: string | null;
  passportNumber: string | null;
  passportCountry: string | null;
  aNumber: string | null;
}

/** Lower case, no diacritics, letters and digits only, one space between words. */
export function normalizeName(s: string | null | undefined): string {
  if (!s) return '';
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * The words of given and family name, sorted, so "WANG Wei" and "Wei Wang" share a key.
 * Middle names are left out: sources disagree on them more than on anything else.
 */
export function nameKey(identity: Pick<Identity, 'givenName' | 'familyName'>): string | null {
  const words = `${normalizeName(identity.givenName)} ${normalizeName(identity.familyName)}`
    .split(' ')
    .filter(Boolean)
    .sort();
  return words.length >= 2 ? words.join(' ') : null;
}

/** Text that a search for a name or document number can match. */
export function searchText(identity: Identity): string {
  return [
    normalizeName(identity.givenName),
    normalizeName(identity.middleName),
    normalizeName(identity.familyName),
    identity.passportNumber?.toLowerCase() ?? '',
    identity.aNumber ?? '',
  ]
    .filter(Boolean)
    .join(' ');
}
