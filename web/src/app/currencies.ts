/**
 * The ISO 4217 codes the database accepts (GET /api/v1/currencies), fetched once, and the forms'
 * currency fields filled with them.
 */
import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client.ts';
import type { Field } from '../components/ResourceForm.tsx';
import { keys } from './queries.ts';

/**
 * The codes (fetched only when `enabled`), or [] while they load: a form's select still shows its
 * current value then (ResourceForm keeps a value its options lack).
 */
export function useCurrencies(enabled = true): readonly string[] {
  const query = useQuery({ queryKey: keys.currencies, queryFn: () => api.get<string[]>('/api/v1/currencies'), staleTime: Infinity, enabled });
  return query.data ?? [];
}

/** The fields with every `currency` field offering the accepted codes. */
export function useCurrencyFields(fields: Field[]): Field[] {
  const hasCurrency = fields.some((f) => f.name === 'currency');
  const codes = useCurrencies(hasCurrency);
  return useMemo(() => (hasCurrency ? fields.map((f) => (f.name === 'currency' ? { ...f, options: codes } : f)) : fields), [fields, codes, hasCurrency]);
}
