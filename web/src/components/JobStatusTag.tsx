import { Tag } from '@trussworks/react-uswds';
import type { JobStatus } from '../types';

const LABELS: Record<JobStatus, string> = {
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  interrupted: 'Interrupted',
};

export function JobStatusTag({ status }: { status: JobStatus }) {
  return (
    <Tag className={`passage-job-tag passage-job-tag--${status}`} data-testid="job-status">
      {LABELS[status]}
    </Tag>
  );
}
