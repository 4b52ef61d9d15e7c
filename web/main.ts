// The offline verifier page (built into one file by scripts/build-web.mjs).
import { setUpAuditSection } from './audit-section.js';
import { setUpProofSection } from './proof-section.js';
import { setUpSealSection } from './seal-section.js';

setUpSealSection();
setUpAuditSection();
setUpProofSection();
document.documentElement.dataset.ready = 'true';
