/**
 * The part of OpenGradient's TEERegistry contract (og-evm `contracts/solidity/TEERegistry.sol`) that
 * meridian reads, in one place because the ABI has drifted between OpenGradient's SDK versions.
 * `TEEInfo` is returned as a tuple in this field order. TEE types: 0 = LLM proxy, 1 = validator.
 */
const TEE_INFO = {
  type: 'tuple',
  components: [
    { name: 'owner', type: 'address' },
    { name: 'paymentAddress', type: 'address' },
    { name: 'endpoint', type: 'string' },
    { name: 'publicKey', type: 'bytes' },
    { name: 'tlsCertificate', type: 'bytes' },
    { name: 'pcrHash', type: 'bytes32' },
    { name: 'teeType', type: 'uint8' },
    { name: 'enabled', type: 'bool' },
    { name: 'registeredAt', type: 'uint256' },
    { name: 'lastHeartbeatAt', type: 'uint256' },
  ],
} as const;

export const TEE_REGISTRY_ABI = [
  {
    type: 'function',
    name: 'heartbeatMaxAge',
    stateMutability: 'view',
    inputs: [],
    outputs: [{ name: '', type: 'uint256' }],
  },
  {
    type: 'function',
    name: 'getEnabledTEEs',
    stateMutability: 'view',
    inputs: [{ name: 'teeType', type: 'uint8' }],
    outputs: [{ name: '', type: 'bytes32[]' }],
  },
  {
    type: 'function',
    name: 'getActiveTEEs',
    stateMutability: 'view',
    inputs: [{ name: 'teeType', type: 'uint8' }],
    outputs: [{ name: '', type: 'tuple[]', components: TEE_INFO.components }],
  },
  {
    type: 'function',
    name: 'getTEE',
    stateMutability: 'view',
    inputs: [{ name: 'teeId', type: 'bytes32' }],
    outputs: [{ name: '', ...TEE_INFO }],
  },
] as const;

/** TEE types the registry knows, by number. */
export const TEE_TYPES: Readonly<Record<number, string>> = { 0: 'llm-proxy', 1: 'validator' };
