// Builds the image detectors a worker needs from configuration: hash banks kept in sync incrementally,
// OCR and the optional ONNX classifier loaded on first use, when the first image needs them (their models
// and the ONNX runtime take seconds and hundreds of MB; a worker that never sees a photo never loads them),
// and a pool of worker threads for PDQ.

/** A bank item matching more often than this per hour is quarantined: likely a stock photo, not evidence. */
const FLOOD_LIMIT_PER_HOUR = 500;
const DAY_MS = 24 * 60 * 60 * 1000;

import { basename } from 'node:path';
import {
  BankMatcher,
  type ClassifierConfig,
  createPaddleOcr,
  type ImageAnalysisDeps,
  type ImageClassifier,
  loadClassifier,
  type OcrEngine,
  PdqWorkerPool,
  pruneBankChanges,
  setItemEnabled,
  startBankSync,
} from '../detectors/image/index.ts';
import type { Config } from '../shared/config.ts';
import type { Pool } from '../shared/db/pool.ts';
import { log } from '../shared/logger.ts';

/** The classifier, loaded with its first image; a model that fails to load fails that image's analysis. */
function lazyClassifier(config: ClassifierConfig): ImageClassifier {
  let loaded: Promise<ImageClassifier> | undefined;
  let labels: readonly string[] = [];
  return {
    name: config.name,
    get labels() {
      return labels;
    },
    async classify(image) {
      if (!loaded) {
        const attempt = loadClassifier(config);
        loaded = attempt;
        attempt.then(
          (c) => {
            labels = c.labels;
          },
          () => {
            if (loaded === attempt) loaded = undefined; // try again with the next image
          },
        );
      }
      return (await loaded).classify(image);
    },
  };
}

function lazyOcr(): OcrEngine {
  let engine: Promise<OcrEngine> | undefined;
  return {
    async recognise(image) {
      engine ??= createPaddleOcr();
      return (await engine).recognise(image);
    },
  };
}

export async function createImageDetectors(
  config: Config,
  pool: Pool,
): Promise<{ deps: ImageAnalysisDeps; stop(): void }> {
  const matcher = new BankMatcher({
    flood: {
      limit: FLOOD_LIMIT_PER_HOUR,
      windowMs: 60 * 60 * 1000,
      onQuarantine: (event) => {
        log.warn('hash bank item quarantined for matching too often', event);
        setItemEnabled(pool, event.itemId, false, 'flood quarantine', 'system:flood-quarantine').catch(
          (error) => log.warn('could not disable the flooding item', { itemId: event.itemId, error }),
        );
      },
    },
  });
  await matcher.load(pool);
  const sync = startBankSync(pool, matcher, {
    onError: (error) => log.warn('hash bank sync failed', { error }),
  });
  // The change log only needs to outlive the longest sync gap; keep a week.
  const prune = setInterval(() => {
    pruneBankChanges(pool).catch((error) => log.warn('pruning hash bank changes failed', { error }));
  }, DAY_MS);
  prune.unref();
  const classifiers = [];
  if (config.IMAGE_CLASSIFIER_MODEL) {
    if (!config.IMAGE_CLASSIFIER_LABELS)
      throw new Error('IMAGE_CLASSIFIER_MODEL needs IMAGE_CLASSIFIER_LABELS');
    classifiers.push(
      lazyClassifier({
        name: basename(config.IMAGE_CLASSIFIER_MODEL).replace(/\.onnx$/, ''),
        modelPath: config.IMAGE_CLASSIFIER_MODEL,
        labels: { path: config.IMAGE_CLASSIFIER_LABELS },
      }),
    );
  }
  // Deep screening hashes on every core; the workers start now, not on the first listing's clock.
  const hasher = new PdqWorkerPool();
  return {
    deps: {
      matcher,
      hasher,
      ocr: config.IMAGE_OCR ? lazyOcr() : undefined,
      classifiers,
      fetch: { allowPrivateNetworks: config.IMAGE_FETCH_ALLOW_PRIVATE },
    },
    stop: () => {
      sync.stop();
      clearInterval(prune);
      void hasher.close();
    },
  };
}
