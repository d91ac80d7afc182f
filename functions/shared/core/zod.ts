/**
 * zod, as every schema of ours imports it: the mini build with its English messages.
 *
 * zod/mini writes schemas as functions (`z.optional(z.string())`) instead of methods, so a bundle
 * keeps only the checks it uses: about 35 KB of the code every cold start compiles, against about
 * 100 KB for zod's classic API. It ships no locale, and without one every issue reads "Invalid
 * input"; the English locale gives the messages of the classic API.
 * https://zod.dev/packages/mini
 * https://zod.dev/error-customization#internationalization
 */
import { en } from 'zod/locales';
import * as z from 'zod/mini';

z.config(en());

export * from 'zod/mini';
