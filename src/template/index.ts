/**
 * Jinja-compatible templating for playbooks (nunjucks underneath, with Ansible's semantics) and
 * Handlebars for `.hbs` template files. See docs/templating.md.
 */
export { TemplateError } from './errors.js';
export { lazyVars, isLazy, markUnsafe } from './lazy-vars.js';
export { loopTerms } from './lookup-data.js';
export { LOOKUP_REGISTRY } from './lookups.js';
export { OMIT, createTemplar, isTemplate, type RenderTextOptions, type Templar, type TemplarOptions } from './templar.js';
export { Undefined, isUndefined } from './undefined.js';
