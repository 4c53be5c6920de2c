import { z } from 'zod';

/** Accelerator classes meridian has performance numbers for. `api` is a proxy node calling a hosted API. */
export const ACCELERATOR_CLASSES = [
  'h200',
  'h100',
  'a100-80',
  'a100-40',
  'l40s',
  'a10g',
  'l4',
  'rtx4090',
  'mi300x',
  't4',
  'cpu',
  'api',
] as const;
export const AcceleratorClass = z.enum(ACCELERATOR_CLASSES);
export type AcceleratorClass = z.infer<typeof AcceleratorClass>;

export const VERIFICATION_MODES = ['vanilla', 'tee', 'zkml'] as const;
export const VerificationMode = z.enum(VERIFICATION_MODES);
export type VerificationMode = z.infer<typeof VerificationMode>;

export const Latitude = z.number().min(-90).max(90);
export const Longitude = z.number().min(-180).max(180);

/** An identifier: letters, digits and `._:/-`, as used for node, model, dataset and metro ids. */
export const Id = z
  .string()
  .min(1)
  .max(200)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$/,
    'an id: letters, digits and ._:/@+- (starting with a letter or digit)',
  );

export const LatLon = z.object({ lat: Latitude, lon: Longitude });
export type LatLon = z.infer<typeof LatLon>;
