import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createBlock } from '@ethereumjs/block';
import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { createEVM, type EVM } from '@ethereumjs/evm';
import {
  bytesToHex,
  createAddressFromString,
  type Address as EthAddress,
  hexToBytes,
} from '@ethereumjs/util';
import { custom, type Hex, type Transport } from 'viem';

/**
 * A local chain in the test process: the EthereumJS EVM with its own state, a contract compiled by
 * solc-js from a Solidity file, and a viem transport that answers the JSON-RPC calls a reader makes
 * (eth_chainId, eth_blockNumber, eth_getBlockByNumber, eth_call) from that EVM. Writes go through
 * `send`, which runs a call from the admin account and keeps its state changes.
 */
const require = createRequire(import.meta.url);

export interface LocalChain {
  readonly address: Hex;
  readonly transport: Transport;
  /** Sets the block timestamp (s) that calls and reads see. */
  setTime(seconds: number): void;
  /** Runs a state-changing call with ABI-encoded `data` against the contract. */
  send(data: Hex): Promise<Hex>;
}

/** Compiles `contract` from the Solidity file with solc-js; returns its creation bytecode. */
export function compile(file: string, contract: string): Hex {
  const solc = require('solc') as { compile(input: string): string };
  const input = {
    language: 'Solidity',
    sources: { [file]: { content: readFileSync(file, 'utf8') } },
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: 'paris',
      outputSelection: { '*': { '*': ['evm.bytecode.object'] } },
    },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts?: Record<string, Record<string, { evm: { bytecode: { object: string } } }>>;
  };
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  return `0x${out.contracts![file]![contract]!.evm.bytecode.object}`;
}

const ADMIN = createAddressFromString('0x00000000000000000000000000000000000a11ce');

export async function localChain(bytecode: Hex, startTime: number): Promise<LocalChain> {
  const common = new Common({ chain: Mainnet, hardfork: Hardfork.Shanghai });
  const evm: EVM = await createEVM({ common });
  let time = startTime;
  const block = () =>
    createBlock({ header: { number: 1n, timestamp: BigInt(time), gasLimit: 30_000_000n } }, { common });
  const deployed = await evm.runCall({
    caller: ADMIN,
    data: hexToBytes(bytecode),
    gasLimit: 30_000_000n,
    block: block(),
  });
  if (deployed.execResult.exceptionError || deployed.createdAddress === undefined)
    throw new Error(`deploy failed: ${deployed.execResult.exceptionError?.error}`);
  const at: EthAddress = deployed.createdAddress;
  const call = async (data: Hex, to: EthAddress = at) => {
    const r = await evm.runCall({
      caller: ADMIN,
      to,
      data: hexToBytes(data),
      gasLimit: 30_000_000n,
      block: block(),
    });
    if (r.execResult.exceptionError) {
      const err = new Error(`execution reverted: ${r.execResult.exceptionError.error}`) as Error & {
        code: number;
        data: Hex;
      };
      err.code = 3;
      err.data = bytesToHex(r.execResult.returnValue) as Hex;
      throw err;
    }
    return bytesToHex(r.execResult.returnValue) as Hex;
  };
  const transport = custom({
    async request({ method, params }: { method: string; params?: unknown[] }) {
      switch (method) {
        case 'eth_chainId':
          return '0x539';
        case 'eth_blockNumber':
          return '0x1';
        case 'eth_getBlockByNumber':
          return {
            number: '0x1',
            hash: `0x${'11'.repeat(32)}`,
            parentHash: `0x${'00'.repeat(32)}`,
            timestamp: `0x${time.toString(16)}`,
            gasLimit: '0x1c9c380',
            gasUsed: '0x0',
            baseFeePerGas: '0x0',
            transactions: [],
          };
        case 'eth_call': {
          const tx = (params?.[0] ?? {}) as { to?: string; data?: Hex };
          return call(tx.data ?? '0x', tx.to ? createAddressFromString(tx.to) : at);
        }
        default:
          throw new Error(`the local chain does not answer ${method}`);
      }
    },
  });
  return {
    address: at.toString() as Hex,
    transport,
    setTime: (s) => {
      time = s;
    },
    send: (data) => call(data),
  };
}
