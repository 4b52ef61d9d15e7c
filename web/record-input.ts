// What the "seal record, seal bundle or model.sig" file is: decided from its content, not its name.

export type RecordInput =
  | { kind: 'seal-record'; value: unknown }
  | { kind: 'seal-bundle'; value: unknown }
  | { kind: 'model-signature'; value: unknown }
  | { kind: 'unreadable'; problem: string };

const BUNDLE_MEDIA_TYPE = /^application\/vnd\.dev\.sigstore\.bundle(\.v0\.3\+json|\+json;version=0\.3)$/;
const OMS_PREDICATE = 'https://model_signing/signature/v1.0';

function payloadPredicate(bundle: Record<string, unknown>): string | null {
  const envelope = bundle.dsseEnvelope as { payload?: unknown } | undefined;
  if (!envelope || typeof envelope.payload !== 'string') return null;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(
      Uint8Array.from(atob(envelope.payload.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)),
    );
    const statement = JSON.parse(text) as { predicateType?: unknown };
    return typeof statement.predicateType === 'string' ? statement.predicateType : null;
  } catch {
    return null;
  }
}

export async function readRecordInput(file: File): Promise<RecordInput> {
  let value: unknown;
  try {
    value = JSON.parse(await file.text());
  } catch {
    return { kind: 'unreadable', problem: `${file.name} is not JSON` };
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    if (typeof obj.mediaType === 'string' && BUNDLE_MEDIA_TYPE.test(obj.mediaType)) {
      const predicate = payloadPredicate(obj);
      // Any other bundle is checked as a seal bundle: the SPEC §5 verifier says precisely what is wrong with it.
      return { kind: predicate === OMS_PREDICATE ? 'model-signature' : 'seal-bundle', value };
    }
  }
  // Anything else is read as a seal record: the SPEC §3 validator says precisely what is wrong with it.
  return { kind: 'seal-record', value };
}
