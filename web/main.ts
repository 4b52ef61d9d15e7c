// The offline verifier page (built into one file by scripts/build-web.mjs).
import { setUpAuditSection } from './audit-section.js';
import { setUpSealSection } from './seal-section.js';

setUpSealSection();
setUpAuditSection();
document.documentElement.dataset.ready = 'true';
