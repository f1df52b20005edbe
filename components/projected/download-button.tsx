'use client';
// Downloads the YAML as pod-projected-svc-token.yaml, made in the browser (a Blob URL).
import { PROCEDURE_FILE_NAME } from './pod-manifest';

export function DownloadButton({ text }: { text: string }) {
  function download() {
    const url = URL.createObjectURL(new Blob([text], { type: 'application/yaml' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = PROCEDURE_FILE_NAME;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
  return (
    <button type="button" onClick={download} data-testid="download-yaml" className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50">
      Download {PROCEDURE_FILE_NAME}
    </button>
  );
}
