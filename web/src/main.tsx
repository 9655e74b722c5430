import '@uswds/uswds/css/uswds.min.css';
import './styles.css';
import { createRoot } from 'react-dom/client';
import { App } from './App';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

// No <StrictMode>: its development-only double run of effects would send every audited person
// read twice, recording two views in the audit log for one look.
createRoot(root).render(<App />);
