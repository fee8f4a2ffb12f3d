import type { Locale } from './locale.js';
import { ID_MESSAGES } from './messages.id.js';

/** A catalogue: English text (or a template with `{name}` placeholders) → the text in one language. */
export type Catalogue = Readonly<Record<string, string>>;

const CATALOGUES: Record<Exclude<Locale, 'en'>, Catalogue> = { id: ID_MESSAGES };
const PLACEHOLDER = /\{(\w+)\}/g;

interface CompiledTemplate {
  pattern: RegExp;
  names: string[];
  target: string;
}

function compileTemplates(catalogue: Catalogue): CompiledTemplate[] {
  return Object.entries(catalogue)
    .filter(([english]) => /\{\w+\}/.test(english))
    .map(([english, target]) => {
      const names = [...english.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
      const source = english
        .split(PLACEHOLDER)
        .map((part, index) => (index % 2 === 1 ? '(.+?)' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('');
      return { pattern: new RegExp(`^${source}$`, 's'), names, target };
    })
    // Longer templates are more specific: "{a}, then {b}" must not win over a whole sentence.
    .sort((a, b) => b.pattern.source.length - a.pattern.source.length);
}

const TEMPLATES: Record<Exclude<Locale, 'en'>, CompiledTemplate[]> = { id: compileTemplates(ID_MESSAGES) };

/** Fills `{name}` placeholders of `text` from `params` (placeholders without a value stay as written). */
export function fill(text: string, params: Readonly<Record<string, string | number>> = {}): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/**
 * `key` (an English text with optional `{name}` placeholders) in `locale`, with the placeholders filled. English, or a
 * key the catalogue lacks, answers the English text: a missing translation never hides a message.
 */
export function t(locale: Locale, key: string, params?: Readonly<Record<string, string | number>>): string {
  const text = locale === 'en' ? key : (CATALOGUES[locale][key] ?? key);
  return fill(text, params);
}

/**
 * A finished English message (an error or success message as thrown or answered) in `locale`: the catalogue's text
 * for it, or the first template it matches with the variable parts carried over (translated too when they are
 * catalogue texts themselves, e.g. the steps of a list).
 */
export function translateMessage(message: string, locale: Locale, depth = 0): string {
  if (locale === 'en') return message;
  const exact = CATALOGUES[locale][message];
  if (exact !== undefined) return exact;
  if (depth > 4) return message;
  for (const template of TEMPLATES[locale]) {
    const match = template.pattern.exec(message);
    if (!match) continue;
    const params: Record<string, string> = {};
    template.names.forEach((name, index) => {
      params[name] = translateMessage(match[index + 1] ?? '', locale, depth + 1);
    });
    return fill(template.target, params);
  }
  return message;
}

/** Whether `key` (an English text or template) has a text in every language other than English. */
export function hasTranslation(key: string): boolean {
  return Object.values(CATALOGUES).every((catalogue) => key in catalogue);
}

/** Every catalogue key per language (for the completeness test). */
export function catalogueKeys(locale: Exclude<Locale, 'en'>): string[] {
  return Object.keys(CATALOGUES[locale]);
}
