// Microphone and speaker choice: enumerateDevices(), and HTMLMediaElement.setSinkId() where the
// browser has it. The choice is kept in localStorage.
const KEY = 'tandem-softphone-devices';

function saved() {
  try {
    return JSON.parse(localStorage.getItem(KEY)) || {};
  } catch {
    return {};
  }
}

export class Devices {
  constructor(micSelect, speakerSelect, speakerNote, audioElement) {
    this.mic = micSelect;
    this.speaker = speakerSelect;
    this.audio = audioElement;
    this.canChooseSpeaker = typeof audioElement.setSinkId === 'function';
    speakerNote.hidden = this.canChooseSpeaker;
    this.speaker.disabled = !this.canChooseSpeaker;
    this.mic.addEventListener('change', () => this.save());
    this.speaker.addEventListener('change', () => { this.save(); this.applySpeaker(); });
    if (navigator.mediaDevices && navigator.mediaDevices.addEventListener) {
      navigator.mediaDevices.addEventListener('devicechange', () => this.refresh());
    }
  }

  save() {
    localStorage.setItem(KEY, JSON.stringify({ mic: this.mic.value, speaker: this.speaker.value }));
  }

  async refresh() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) return;
    const list = await navigator.mediaDevices.enumerateDevices();
    const want = saved();
    const fill = (select, kind, chosen) => {
      select.replaceChildren(new Option('System default', ''));
      list.filter((d) => d.kind === kind).forEach((d, i) => {
        if (d.deviceId === 'default' || d.deviceId === '') return;
        select.add(new Option(d.label || `${kind === 'audioinput' ? 'Microphone' : 'Speaker'} ${i + 1}`, d.deviceId));
      });
      select.value = [...select.options].some((o) => o.value === chosen) ? chosen : '';
    };
    fill(this.mic, 'audioinput', want.mic);
    fill(this.speaker, 'audiooutput', want.speaker);
  }

  constraints() {
    return this.mic.value ? { audio: { deviceId: { exact: this.mic.value } }, video: false } : { audio: true, video: false };
  }

  async applySpeaker() {
    if (!this.canChooseSpeaker) return;
    try {
      await this.audio.setSinkId(this.speaker.value);
    } catch (e) {
      console.warn('setSinkId failed', e);
    }
  }
}
