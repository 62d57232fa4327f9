/** A text filter applied on Enter or when the field is left (not on every key). */
export function TextFilter ({ id, label, value, hint, onChange }: { id: string, label: string, value: string, hint?: string, onChange: (v: string) => void }) {
  return (
    <div className='mz-field'>
      <label className='mz-field__label' htmlFor={id}>{label}</label>
      <input
        id={id} className='mz-input' defaultValue={value} key={value} placeholder={hint}
        onBlur={e => { if (e.target.value.trim() !== value) onChange(e.target.value.trim()) }}
        onKeyDown={e => { if (e.key === 'Enter') { e.preventDefault(); onChange(e.currentTarget.value.trim()) } }}
      />
    </div>
  )
}
