import { msg } from '@lit/localize';

/**
 * Labels of the composer's microphone, in the active locale: what shows before the recording code
 * is in (the recording bar's own are `./voice-bar.ts`, loaded with it).
 */
const voice = {
  get record() { return msg('Record a voice message (hold, or press to start and again to send)', { id: 'voice.record' }); },
  get stopAndSend() { return msg('Stop and send the voice message', { id: 'voice.stopAndSend' }); },
  get unsupported() { return msg('This browser cannot record here (recording needs a secure https page).', { id: 'voice.unsupported' }); },
};

export type VoiceStrings = typeof voice;

export function voiceStrings(): VoiceStrings {
  return voice;
}
