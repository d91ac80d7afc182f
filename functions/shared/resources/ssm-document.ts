/**
 * An `AWS::SSM::Document` configuration item. Config records the document's name, type and format
 * but not its content (the resource schema lists no Content property), so the rule fetches the
 * content of the default version with GetDocument.
 */
import * as z from '../core/zod';
import type { ConfigurationItem } from '../config-rule/event';

export const SSM_DOCUMENT_RESOURCE_TYPE = 'AWS::SSM::Document';
export const ACCOUNT_RESOURCE_TYPE = 'AWS::::Account';

export interface SsmDocumentReference {
  readonly name: string;
  /** As recorded; undefined when the item does not say. */
  readonly documentType: string | undefined;
}

const documentConfigurationSchema = z.nullish(
  z.looseObject({ Name: z.nullish(z.string()), DocumentType: z.nullish(z.string()) }),
);

export function ssmDocumentFromItem(item: ConfigurationItem): SsmDocumentReference {
  const parsed = documentConfigurationSchema.safeParse(item.configuration);
  const configuration = parsed.success ? parsed.data : undefined;
  // Config identifies an SSM document by its name.
  return {
    name: configuration?.Name || item.resourceName || item.resourceId,
    documentType: configuration?.DocumentType ?? undefined,
  };
}
