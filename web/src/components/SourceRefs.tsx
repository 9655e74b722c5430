import { recordAnchor, sourceRef } from '../format';
import type { SourceRef } from '../types';

/** Source records as sourceCode:sourceRecordId, each linking to its row in the Source records table. */
export function SourceRefs({ refs, label = 'Source records' }: { refs: SourceRef[]; label?: string }) {
  if (refs.length === 0) return <p className="passage-source-refs">{label}: none</p>;
  return (
    <div className="passage-source-refs">
      <span>{label}: </span>
      <ul className="passage-inline-list" aria-label={label}>
        {refs.map((ref) => (
          <li key={`${ref.sourceCode}:${ref.sourceRecordId}:${ref.recordPk ?? ''}`}>
            <a className="usa-link" href={`#${recordAnchor(ref)}`} data-testid="source-ref">
              <code>{sourceRef(ref)}</code>
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
