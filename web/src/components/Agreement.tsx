import { AGREEMENT_WORDS, agreementOf, levelWords } from '../match-words';
import './evidence.css';

const SYMBOLS = { agrees: '✓', disagrees: '✗', neutral: '–' } as const;

/** For, against or neither: a symbol and a word (never colour alone), with the level in words. */
export function Agreement({ weight, level }: { weight: number; level?: string }) {
  const agreement = agreementOf(weight);
  return (
    <span data-agreement={agreement}>
      <span className={`passage-agreement passage-agreement--${agreement}`}>
        <span aria-hidden="true">{SYMBOLS[agreement]}</span>
        {AGREEMENT_WORDS[agreement]}
      </span>
      {level ? `: ${levelWords(level)}` : null}
    </span>
  );
}

/** A level in words, with the engine's name for it when that differs ("one character different (one_edit)"). */
export function LevelName({ level }: { level: string }) {
  const words = levelWords(level);
  return (
    <>
      {words}
      {words === level ? null : <code className="font-body-3xs"> ({level})</code>}
    </>
  );
}
