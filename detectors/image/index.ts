// Image detection: the public API of detectors/image.
//
// For the case workflow (wrap in an activity; all dependencies are injected):
//   analyseListingImages(images, deps) -> { images, evidence, signals }
//     images  listing URLs (strings or { kind: 'url', url }) and bot uploads ({ kind: 'upload', bytes, name })
//             (videos and animated images are hashed frame by frame: vPDQ, under deps.video bounds)
//     deps    { matcher?: BankMatcher, ocr?: OcrEngine, classifiers?: ImageClassifier[],
//               screenText?, language?, fetch?: IntakeOptions, decode?: DecodeLimits }
//     -> evidence: ImageEvidence[] (bank-match with distance/threshold/variant, ocr hits with the image
//        reference and offsets in the OCR text, classifier label scores), per-image errors with stable
//        codes (one bad image never fails the call), and the same evidence as policy `Signal`s.
//   Worker setup, once per process:
//     const matcher = new BankMatcher(); await matcher.load(pool); startBankSync(pool, matcher)
//     const ocr = await createPaddleOcr()          // ~4 s model load; reuse it
//     const model = await loadClassifier({ name, modelPath, labels })   // optional, any ONNX classifier
//
// Building blocks:
//   pdqHashImage(bytes) / pdqDihedralHashImage(bytes)  PDQ (hash, quality) of encoded image bytes
//   PdqWorkerPool / inThreadHasher                      the same on worker threads (every core) or here
//   vpdqFromAnimatedImage / vpdqFromVideoFile, matchVpdq  vPDQ of animated images and video (ffmpeg)
//   pdqFromPixels, pdqDistance, isPdqHash, DIHEDRAL_NAMES            pure PDQ (pdq.ts)
//   decodeImage, inspectImage, ImageInputError                        limits on untrusted bytes (decode.ts)
//   PdqHashIndex                                                      in-memory multi-index hash index
//   createBank, updateBank, addItems, setItemEnabled, listItems, ...  banks in PostgreSQL (bank-store.ts)
//   BankMatcher, startBankSync, pruneBankChanges                      matching, incremental sync, and
//                                                                     optional flood quarantine ({ flood });
//                                                                     matchVideo: frames vs photo and video entries
//   parseBankFile, serializeBank                                      HMA / python-threatexchange formats
//   fetchImage, intakeImage, isBlockedAddress, ImageIntakeError       SSRF-safe intake (intake.ts)
//   createPaddleOcr                                                   offline OCR (ocr.ts)
//   loadClassifier                                                    ONNX classifier plug-in
// CLI: `wild-sentinel pdq <image…>` and `wild-sentinel banks …`. Benchmark: `npm run bench:image`.
export {
  type AnalysedImage,
  analyseListingImages,
  type ImageAnalysis,
  type ImageAnalysisDeps,
  type ImageEvidence,
} from './analyse.ts';
export { BANK_FORMATS, type BankFormat, parseBankFile, serializeBank } from './bank-formats.ts';
export {
  type BankMatch,
  BankMatcher,
  type BankMatchResult,
  type FloodOptions,
  type MatchQuery,
  pruneBankChanges,
  startBankSync,
} from './bank-matcher.ts';
export {
  addItems,
  type Bank,
  BankError,
  type BankInput,
  type BankItem,
  createBank,
  getBank,
  type ItemInput,
  itemFromRow,
  listBanks,
  listItems,
  removeItem,
  setItemEnabled,
  updateBank,
} from './bank-store.ts';
export {
  type ClassifierConfig,
  type ClassifierResult,
  type ImageClassifier,
  loadClassifier,
} from './classifier.ts';
export {
  DEFAULT_DECODE_LIMITS,
  type DecodeLimits,
  decodeImage,
  type ImageErrorCode,
  ImageInputError,
  inspectImage,
} from './decode.ts';
export {
  mediaKind,
  VideoInputError,
  type VideoLimits,
  vpdqFromAnimatedImage,
  vpdqFromMedia,
  vpdqFromVideoBytes,
  vpdqFromVideoFile,
} from './frames.ts';
export { pdqDihedralHashImage, pdqHashImage } from './hash-image.ts';
export { type IndexMatch, PdqHashIndex } from './hash-index.ts';
export {
  fetchImage,
  ImageIntakeError,
  type ImageSource,
  type IntakeOptions,
  intakeImage,
  isBlockedAddress,
} from './intake.ts';
export {
  intakeMedia,
  VIDEO_CONTENT_TYPES,
  VideoScreeningError,
  type VideoScreeningLimits,
  videoLimitsSchema,
} from './media-intake.ts';
export { createPaddleOcr, type OcrEngine, type OcrLine } from './ocr.ts';
export {
  DIHEDRAL_NAMES,
  type Dihedral,
  isPdqHash,
  PDQ_MATCH_THRESHOLD,
  PDQ_QUALITY_THRESHOLD,
  type PdqResult,
  pdqDistance,
  pdqFromPixels,
} from './pdq.ts';
export { inThreadHasher, type PdqHasher, PdqWorkerPool } from './pdq-pool.ts';
export {
  formatVpdqFile,
  formatVpdqSignal,
  matchVpdq,
  parseVpdqFile,
  parseVpdqSignal,
  VPDQ_DEFAULTS,
  type VpdqFeature,
  VpdqFormatError,
  type VpdqMatch,
  type VpdqMatchOptions,
} from './vpdq.ts';
