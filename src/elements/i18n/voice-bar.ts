import { msg, str } from '@lit/localize';

/** Labels of the voice recording bar and of a recording that went wrong, in the active locale. */
const voiceBar = {
  get cancel() { return msg('Cancel the recording', { id: 'voice.cancel' }); },
  get level() { return msg('Microphone level', { id: 'voice.level' }); },
  get holdHint() { return msg('Release to send, slide away to cancel', { id: 'voice.holdHint' }); },
  get toggleHint() { return msg('Press the microphone again to send, Escape to cancel', { id: 'voice.toggleHint' }); },
  recording: (time: string) => msg(str`Recording ${time}`, { id: 'voice.recording' }),
  get denied() { return msg('Recording is not allowed: the browser or this site blocks the microphone. Allow it in the site settings to send voice messages.', { id: 'voice.denied' }); },
  get noMicrophone() { return msg('No microphone was found.', { id: 'voice.noMicrophone' }); },
  get tooShort() { return msg('Too short: hold the microphone a little longer.', { id: 'voice.tooShort' }); },
};

export type VoiceBarStrings = typeof voiceBar;

export function voiceBarStrings(): VoiceBarStrings {
  return voiceBar;
}
