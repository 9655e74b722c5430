/**
 * Deterministic person linking for the foundation. The entity-resolution engine replaces
 * `decideLink` with a probabilistic model; callers only see `LinkDecision`, so the seam stays here.
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

/** A record already linked to a person, found through a blocking key. */
export interface Candidate {
  personId: string;
  recordKey: string;
  identity: Identity;
  nameKey: string | null;
}

export type LinkRule = 'same_a_number' | 'same_passport' | 'same_name_and_birth_date' | 'new_person';

export interface LinkDecision {
  /** The person to link to; null means create a new person. */
  personId: string | null;
  rule: LinkRule;
  evidence: Record<string, unknown>;
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

export function passportKey(i: Identity): string | null {
  return i.passportNumber && i.passportCountry ? `${i.passportNumber}|${i.passportCountry}` : null;
}

export function nameDobKey(i: Identity): string | null {
  const key = nameKey(i);
  return key && i.dateOfBirth ? `${key}|${i.dateOfBirth}` : null;
}

/**
 * Picks the person a record belongs to, strongest rule first: same A-number, then same passport
 * number and country, then same normalized name and date of birth. A person known under a
 * different A-number is never chosen, whatever else matches: two A-numbers are two people.
 */
export function decideLink(
  record: Identity,
  candidates: Candidate[],
  aNumbersByPerson: ReadonlyMap<string, ReadonlySet<string>>,
): LinkDecision {
  const conflicts = (personId: string) => {
    const known = aNumbersByPerson.get(personId);
    return record.aNumber !== null && known !== undefined && [...known].some((a) => a !== record.aNumber);
  };
  const usable = candidates.filter((c) => !conflicts(c.personId));
  const excluded = [...new Set(candidates.filter((c) => conflicts(c.personId)).map((c) => c.personId))];
  const withExclusions = (e: Record<string, unknown>) =>
    excluded.length ? { ...e, excludedPeopleWithOtherANumber: excluded } : e;

  if (record.aNumber) {
    const hit = usable.find((c) => c.identity.aNumber === record.aNumber);
    if (hit) {
      return {
        personId: hit.personId,
        rule: 'same_a_number',
        evidence: withExclusions({ aNumber: record.aNumber, matchedRecord: hit.recordKey }),
      };
    }
  }
  const pk = passportKey(record);
  if (pk) {
    const hit = usable.find((c) => passportKey(c.identity) === pk);
    if (hit) {
      return {
        personId: hit.personId,
        rule: 'same_passport',
        evidence: withExclusions({
          passportNumber: record.passportNumber,
          passportCountry: record.passportCountry,
          matchedRecord: hit.recordKey,
        }),
      };
    }
  }
  const nk = nameDobKey(record);
  if (nk) {
    const hit = usable.find((c) => nameDobKey(c.identity) === nk);
    if (hit) {
      return {
        personId: hit.personId,
        rule: 'same_name_and_birth_date',
        evidence: withExclusions({
          nameKey: nameKey(record),
          dateOfBirth: record.dateOfBirth,
          matchedRecord: hit.recordKey,
        }),
      };
    }
  }
  return {
    personId: null,
    rule: 'new_person',
    evidence: withExclusions({
      reason: 'no existing record shares an A-number, passport, or name and birth date',
    }),
  };
}
