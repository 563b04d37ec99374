/**
 * One voice recording: the microphone through MediaRecorder, and its level for the meter. The
 * composer imports this module the first time the microphone button is pressed (`import()`).
 */

/** Why recording could not start. */
export type RecordRefusal = 'denied' | 'no-microphone' | 'unsupported';

export class RecordError extends Error {
  constructor(readonly reason: RecordRefusal, cause?: unknown) {
    super(`recording refused: ${reason}`, { cause });
  }
}

export interface Recorded {
  blob: Blob;
  /** Seconds recorded. */
  duration: number;
}

/** Opus in WebM where the browser has it (Chromium, Firefox), else what it offers (Safari: MP4). */
const TYPES = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/mp4', 'audio/webm'];

export class Recording {
  readonly #stream: MediaStream;
  readonly #recorder: MediaRecorder;
  readonly #chunks: Blob[] = [];
  readonly #context: AudioContext | undefined;
  readonly #analyser: AnalyserNode | undefined;
  readonly #samples: Uint8Array<ArrayBuffer> | undefined;
  readonly #started = performance.now();
  #ended: number | undefined;

  /** Asks for the microphone and starts recording; rejects with a RecordError. */
  static async start(): Promise<Recording> {
    if (typeof MediaRecorder === 'undefined' || !navigator.mediaDevices?.getUserMedia) throw new RecordError('unsupported');
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true } });
    } catch (error) {
      const name = (error as { name?: string } | null)?.name;
      throw new RecordError(name === 'NotFoundError' || name === 'OverconstrainedError' ? 'no-microphone' : name === 'NotAllowedError' || name === 'SecurityError' ? 'denied' : 'unsupported', error);
    }
    return new Recording(stream);
  }

  private constructor(stream: MediaStream) {
    this.#stream = stream;
    const mimeType = TYPES.find((t) => MediaRecorder.isTypeSupported(t));
    this.#recorder = new MediaRecorder(stream, mimeType ? { mimeType } : {});
    this.#recorder.addEventListener('dataavailable', (e) => {
      if (e.data.size > 0) this.#chunks.push(e.data);
    });
    this.#recorder.start(250);
    try {
      this.#context = new AudioContext();
      this.#analyser = this.#context.createAnalyser();
      this.#analyser.fftSize = 512;
      this.#context.createMediaStreamSource(stream).connect(this.#analyser);
      this.#samples = new Uint8Array(this.#analyser.fftSize);
    } catch {
      // No level meter without Web Audio; the recording does not need it.
    }
  }

  /** Seconds since the recording started. */
  get elapsed(): number {
    return ((this.#ended ?? performance.now()) - this.#started) / 1000;
  }

  /** The microphone's level now, 0 (silence) to 1. */
  level(): number {
    if (!this.#analyser || !this.#samples) return 0;
    this.#analyser.getByteTimeDomainData(this.#samples);
    let sum = 0;
    for (const s of this.#samples) sum += ((s - 128) / 128) ** 2;
    return Math.min(1, Math.sqrt(sum / this.#samples.length) * 4);
  }

  /** Stops and resolves with the recording. */
  async stop(): Promise<Recorded> {
    this.#ended ??= performance.now();
    const duration = this.elapsed;
    if (this.#recorder.state !== 'inactive') {
      const stopped = new Promise((resolve) => this.#recorder.addEventListener('stop', resolve, { once: true }));
      this.#recorder.stop();
      await stopped;
    }
    this.#release();
    const type = (this.#recorder.mimeType || this.#chunks[0]?.type || 'audio/webm').split(';')[0]!;
    return { blob: new Blob(this.#chunks, { type }), duration };
  }

  /** Stops and throws the recording away. */
  cancel(): void {
    this.#ended ??= performance.now();
    if (this.#recorder.state !== 'inactive') this.#recorder.stop();
    this.#chunks.length = 0;
    this.#release();
  }

  #release(): void {
    for (const track of this.#stream.getTracks()) track.stop();
    void this.#context?.close().catch(() => undefined);
  }
}
